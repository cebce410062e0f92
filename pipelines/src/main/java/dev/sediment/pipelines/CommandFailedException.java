package dev.sediment.pipelines;

/** The command was called rightly but could not do its work (missing file, bad schema): exit 1. */
public class CommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommandFailedException(String message) {
    super(message);
  }

  public CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
