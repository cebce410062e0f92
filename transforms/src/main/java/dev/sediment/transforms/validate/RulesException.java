package dev.sediment.transforms.validate;

/**
 * A rules file that cannot be used. The message starts with {@code SOURCE:LINE: } (the 1-based
 * line of the offending YAML node), then says what is wrong and what is allowed.
 */
public class RulesException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RulesException(String source, int line, String message) {
    super(source + ":" + line + ": " + message);
  }

  RulesException(String source, int line, String message, Throwable cause) {
    super(source + ":" + line + ": " + message, cause);
  }
}
