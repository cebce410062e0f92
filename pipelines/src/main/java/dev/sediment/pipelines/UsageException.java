package dev.sediment.pipelines;

/** The command was called wrongly (unknown option, missing value): exit code 2. */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
