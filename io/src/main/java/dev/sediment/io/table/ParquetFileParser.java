package dev.sediment.io.table;

import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.CorruptFooterException;
import dev.sediment.io.parquet.CorruptPageException;
import dev.sediment.io.parquet.ParquetFooterGuard;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads one Parquet file into rows of a schema. The file's own schema (its footer) must hold the
 * schema's columns with the same types, nullability aside, and no others: otherwise the whole
 * file is one {@link ErrorType#HEADER_MISMATCH} (columns missing or extra) or {@link
 * ErrorType#TYPE_MISMATCH} (a column of another type) at row 0, and none of its rows is read. A
 * null in a column the schema declares required is a {@link ErrorType#MISSING_VALUE} of that row.
 * A file whose footer cannot be trusted (missing, truncated, declaring more than the file holds:
 * {@link ParquetFooterGuard}) is one {@link ErrorType#CORRUPT_FOOTER} at row 0 with the byte
 * offset of the problem, and costs no more memory than its size. A page header that declares
 * more than its column chunk holds ({@link dev.sediment.io.parquet.ParquetPageGuard}) is one
 * {@link ErrorType#CORRUPT_PAGE} at the row where its row group starts, with the page's byte
 * offset and column; the rows before it are kept and nothing of the declared size is allocated.
 * Decimals wider than the schema's
 * and strings that are not UTF-8 are errors of their row ({@link ErrorType#TYPE_MISMATCH}, {@link
 * ErrorType#VALUE_OUT_OF_RANGE}, {@link ErrorType#ENCODING}), never rounded or replaced.
 * A file that does not open otherwise is {@link ErrorType#UNREADABLE} at row 0; one that breaks part-way
 * keeps the rows before and is {@link ErrorType#UNREADABLE} at the row where it broke. Rows are
 * numbered from 1 in the error's {@code line}; the byte offset is 0. Memory is one row group's
 * pages, as for any Parquet reader.
 */
final class ParquetFileParser {
  /** The footer key parquet-avro writes the Avro schema under. */
  static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

  private final Schema schema;
  private final java.nio.charset.CharsetDecoder utf8 =
      java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);

  ParquetFileParser(Schema schema) {
    this.schema = schema;
  }

  /**
   * The Avro schema of a Parquet file: the one parquet-avro stored, else converted from Parquet's.
   * The footer is checked by {@link ParquetFooterGuard} first.
   */
  static org.apache.avro.Schema footerAvroSchema(InputFile file) throws IOException {
    ParquetFooterGuard.check(file);
    try (ParquetFileReader reader = ParquetFileReader.open(file)) {
      return AvroParquetRows.avroSchemaOf(reader.getFooter().getFileMetaData());
    }
  }

  /** Reads {@code file} to its end; returns the number of records seen (rows plus errors). */
  long parse(String source, InputFile file, RecordSink sink) throws Exception {
    AvroParquetRows rows;
    Schema fileSchema;
    try {
      rows = AvroParquetRows.open(file);
    } catch (CorruptFooterException e) {
      sink.error(
          RecordError.of(
              source,
              0,
              e.offset(),
              ErrorType.CORRUPT_FOOTER,
              "the Parquet footer is corrupt at byte " + e.offset() + ": " + e.problem(),
              ""));
      return 1;
    } catch (IOException | RuntimeException e) {
      sink.error(
          RecordError.of(
              source, 0, 0, ErrorType.UNREADABLE, "the Parquet footer cannot be read: " + e, ""));
      return 1;
    }
    try (rows) {
      try {
        fileSchema = AvroUtils.toBeamSchema(rows.avroSchema());
      } catch (RuntimeException e) {
        sink.error(
            RecordError.of(
                source,
                0,
                0,
                ErrorType.UNREADABLE,
                "the schema in the Parquet footer cannot be used: " + e,
                ""));
        return 1;
      }
      RecordException mismatch = compare(fileSchema);
      if (mismatch != null) {
        sink.error(RecordError.of(source, 0, 0, mismatch.type(), mismatch.getMessage(), ""));
        return 1;
      }
      long records = 0;
      while (true) {
        GenericRecord record;
        try {
          record = rows.read();
        } catch (CorruptPageException e) {
          records++;
          sink.error(
              RecordError.of(
                  source,
                  records,
                  e.offset(),
                  ErrorType.CORRUPT_PAGE,
                  "a Parquet page in column '"
                      + e.column()
                      + "' is corrupt at byte "
                      + e.offset()
                      + ": "
                      + e.problem()
                      + "; the rows from here on are not read",
                  ""));
          return records;
        } catch (IOException | RuntimeException e) {
          records++;
          sink.error(
              RecordError.of(
                  source,
                  records,
                  0,
                  ErrorType.UNREADABLE,
                  "the file cannot be read past this row: " + e,
                  ""));
          return records;
        }
        if (record == null) {
          return records;
        }
        records++;
        try {
          sink.row(toRow(record, fileSchema));
        } catch (RecordException e) {
          sink.error(
              RecordError.of(source, records, 0, e.type(), e.getMessage(), record.toString()));
        }
      }
    }
  }

  private @Nullable RecordException compare(Schema fileSchema) {
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      if (!fileSchema.hasField(f.getName())) {
        if (!f.getType().getNullable()) {
          missing.add(f.getName());
        }
        continue;
      }
      Schema.FieldType have = fileSchema.getField(f.getName()).getType();
      if (!have.withNullable(false).equals(f.getType().withNullable(false))) {
        return new RecordException(
            ErrorType.TYPE_MISMATCH,
            "column '"
                + f.getName()
                + "' is "
                + describe(have)
                + " in the file but "
                + describe(f.getType())
                + " in the schema");
      }
    }
    for (Schema.Field f : fileSchema.getFields()) {
      if (!schema.hasField(f.getName())) {
        extra.add(f.getName());
      }
    }
    if (!extra.isEmpty()) {
      return new RecordException(
          ErrorType.HEADER_MISMATCH,
          "the file has columns the schema lacks: "
              + extra
              + "; add them to the schema or remove them from the file");
    }
    if (!missing.isEmpty()) {
      return new RecordException(
          ErrorType.HEADER_MISMATCH, "the file lacks required columns " + missing);
    }
    return null;
  }

  private Row toRow(GenericRecord record, Schema fileSchema) throws RecordException {
    Row read;
    try {
      read = AvroUtils.toBeamRowStrict(record, fileSchema);
    } catch (RuntimeException e) {
      throw new RecordException(
          ErrorType.TYPE_MISMATCH, "the row does not convert: " + CsvFileParser.firstLine(e.getMessage()));
    }
    List<Object> values = new ArrayList<>(schema.getFieldCount());
    for (Schema.Field f : schema.getFields()) {
      Object v = fileSchema.hasField(f.getName()) ? read.getValue(f.getName()) : null;
      if (v == null && !f.getType().getNullable()) {
        throw new RecordException(ErrorType.MISSING_VALUE, "column '" + f.getName() + "' is null");
      }
      if (v instanceof BigDecimal) {
        // The file's decimal(p, s) may be wider than the schema's: refuse, never round.
        v = ValueConverter.decimal(f, (BigDecimal) v, v.toString());
      } else if (v instanceof String) {
        checkUtf8(f, record.get(f.getName()));
      }
      values.add(v);
    }
    return Row.withSchema(schema).addValues(values).build();
  }

  /**
   * Parquet strings are bytes that Avro decodes leniently (invalid UTF-8 becomes U+FFFD): check
   * the bytes, so a broken string is an {@link ErrorType#ENCODING} error and not a changed value.
   */
  private void checkUtf8(Schema.Field f, @Nullable Object raw) throws RecordException {
    if (!(raw instanceof Utf8)) {
      return;
    }
    Utf8 u = (Utf8) raw;
    byte[] b = u.getBytes();
    int n = u.getByteLength();
    int i = 0;
    while (i < n && b[i] >= 0) {
      i++;
    }
    if (i == n) {
      return; // ASCII
    }
    try {
      utf8.reset().decode(java.nio.ByteBuffer.wrap(b, 0, n));
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new RecordException(
          ErrorType.ENCODING, "column '" + f.getName() + "': the string is not valid UTF-8");
    }
  }

  private static String describe(Schema.FieldType t) {
    return t.getTypeName() == Schema.TypeName.LOGICAL_TYPE
        ? t.getLogicalType().getIdentifier()
        : t.getTypeName().toString();
  }
}
