package dev.sediment.io.table;

import dev.sediment.schemas.ErrorType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding of a line: bad bytes are an {@link ErrorType#ENCODING} error, not U+FFFD. */
final class TextRecords {
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  String decode(BoundedLineReader.Line line) throws RecordException {
    try {
      return decoder.decode(ByteBuffer.wrap(line.bytes, 0, line.length)).toString();
    } catch (CharacterCodingException e) {
      throw new RecordException(ErrorType.ENCODING, "the line is not valid UTF-8");
    }
  }

  /** Best-effort text of a line for a quarantine record, never failing. */
  static String lenient(BoundedLineReader.Line line) {
    return new String(line.bytes, 0, line.length, StandardCharsets.UTF_8);
  }
}
