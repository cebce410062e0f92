package dev.sediment.transforms.compact;

/** A run handed to {@link KWayMerge} as sorted yielded a row smaller than the one before it. */
public class UnsortedRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int run;
  private final long position;

  UnsortedRunException(int run, long position) {
    super("run " + run + " is not sorted: row " + position + " sorts before the row before it");
    this.run = run;
    this.position = position;
  }

  /** Index of the run in the list given to the merge. */
  public int run() {
    return run;
  }

  /** 0-based index of the offending row within its run. */
  public long position() {
    return position;
  }
}
