package dev.sediment.io.table;

import dev.sediment.schemas.ErrorType;

/** A record that cannot become a row, with the typed reason. Thrown by parsers, never escapes a DoFn. */
final class RecordException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorType type;

  RecordException(ErrorType type, String message) {
    super(message);
    this.type = type;
  }

  ErrorType type() {
    return type;
  }
}
