package dev.sediment.io.batch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.table.AvroTableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/** Beam rows of every type Sediment's readers produce convert to batches and back exactly. */
public class BatchRowsTest {

  static Schema.Field withOption(Schema.Field f, String option, FieldType type, Object value) {
    return f.withOptions(Schema.Options.builder().setOption(option, type, value));
  }

  static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("b", FieldType.BOOLEAN)
          .addNullableField("i8", FieldType.BYTE)
          .addNullableField("i16", FieldType.INT16)
          .addNullableField("i32", FieldType.INT32)
          .addField("i64", FieldType.INT64)
          .addNullableField("f", FieldType.FLOAT)
          .addNullableField("d", FieldType.DOUBLE)
          .addNullableField("s", FieldType.STRING)
          .addNullableField("raw", FieldType.BYTES)
          .addField(
              Schema.Field.nullable("px", FieldType.DECIMAL)
                  .withOptions(
                      Schema.Options.builder()
                          .setOption(AvroTableSchema.DECIMAL_PRECISION_OPTION, FieldType.INT32, 12)
                          .setOption(AvroTableSchema.DECIMAL_SCALE_OPTION, FieldType.INT32, 3)))
          .addNullableField("ms", FieldType.DATETIME)
          .addField(
              withOption(
                  Schema.Field.nullable("avro_day", FieldType.DATETIME),
                  AvroTableSchema.LOGICAL_TYPE_OPTION, FieldType.STRING, "date"))
          .addField(
              withOption(
                  Schema.Field.nullable("us", FieldType.INT64),
                  AvroTableSchema.LOGICAL_TYPE_OPTION, FieldType.STRING, "timestamp-micros"))
          .addField(
              withOption(
                  Schema.Field.nullable("ns", FieldType.INT64),
                  AvroTableSchema.LOGICAL_TYPE_OPTION, FieldType.STRING, "timestamp-nanos"))
          .addNullableField("day", FieldType.logicalType(SqlTypes.DATE))
          .addNullableField("tod", FieldType.logicalType(SqlTypes.TIME))
          .addNullableField("local", FieldType.logicalType(SqlTypes.DATETIME))
          .addNullableField("instant", FieldType.logicalType(SqlTypes.TIMESTAMP))
          .addNullableField("samples", FieldType.array(FieldType.DOUBLE))
          .build();

  @Test
  public void typesMapAsDocumented() {
    BatchSchema s = BatchRows.of(SCHEMA).batchSchema();
    assertEquals(BatchField.of("i8", ColumnType.INT8, true), s.field("i8"));
    assertEquals(BatchField.of("i64", ColumnType.INT64, false), s.field("i64"));
    assertEquals(BatchField.decimal("px", 12, 3, true), s.field("px"));
    assertEquals(BatchField.timestamp("ms", TimeUnit.MILLIS, true, true), s.field("ms"));
    assertEquals(BatchField.of("avro_day", ColumnType.DATE, true), s.field("avro_day"));
    assertEquals(BatchField.timestamp("us", TimeUnit.MICROS, true, true), s.field("us"));
    assertEquals(BatchField.timestamp("ns", TimeUnit.NANOS, true, true), s.field("ns"));
    assertEquals(BatchField.of("day", ColumnType.DATE, true), s.field("day"));
    assertEquals(BatchField.time("tod", TimeUnit.MICROS, true), s.field("tod"));
    assertEquals(BatchField.timestamp("local", TimeUnit.MICROS, false, true), s.field("local"));
    assertEquals(BatchField.timestamp("instant", TimeUnit.MICROS, true, true), s.field("instant"));
    assertEquals(BatchField.list("samples", ColumnType.DOUBLE, true), s.field("samples"));
  }

  @Test
  public void rowsRoundTripExactly() throws Exception {
    List<Row> rows = new ArrayList<>();
    rows.add(
        Row.withSchema(SCHEMA)
            .addValues(
                true, (byte) -128, (short) 32767, Integer.MIN_VALUE, Long.MAX_VALUE, -0.0f,
                Double.NaN, "", new byte[] {0, -1}, new BigDecimal("-123456789.120"),
                new org.joda.time.Instant(-1L), new org.joda.time.Instant(-86_400_000L),
                -1L, Long.MIN_VALUE, LocalDate.of(-5, 1, 1), LocalTime.of(23, 59, 59, 999_999_000),
                LocalDateTime.of(1900, 2, 28, 0, 0, 0, 1_000), Instant.parse("1969-12-31T23:59:59.999999Z"),
                Arrays.asList(1.5, -0.0, Double.MAX_VALUE))
            .build());
    Object[] nulls = new Object[SCHEMA.getFieldCount()];
    nulls[4] = 0L;
    rows.add(Row.withSchema(SCHEMA).addValues(nulls).build());
    BatchRows conv = BatchRows.of(SCHEMA);
    ColumnBatch batch = conv.toBatch(rows, "file:/x.parquet");
    ColumnBatch decoded =
        ColumnBatchTest.decode(
            ColumnBatchCoder.of(conv.batchSchema()),
            ColumnBatchTest.encode(ColumnBatchCoder.of(conv.batchSchema()), batch));
    List<Row> back = conv.toRows(decoded);
    assertEquals(2, back.size());
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < SCHEMA.getFieldCount(); c++) {
        Object want = rows.get(r).getValue(c);
        Object got = back.get(r).getValue(c);
        if (want instanceof byte[]) {
          assertArrayEquals((byte[]) want, (byte[]) got);
        } else {
          assertEquals(SCHEMA.getField(c).getName(), want, got);
        }
      }
    }
    assertEquals(1L, batch.rowIndex(1));
    assertEquals("file:/x.parquet", batch.source(1));
  }

  @Test
  public void refusesWhatABatchCannotHoldExactly() {
    Schema noScale = Schema.builder().addNullableField("px", FieldType.DECIMAL).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BatchRows.of(noScale));
    assertEquals(
        "column 'px' is a DECIMAL without precision and scale; a column batch needs both (field"
            + " options sediment:decimalPrecision and sediment:decimalScale)",
        e.getMessage());
    Schema nested = Schema.builder().addNullableField("m", FieldType.map(FieldType.STRING, FieldType.STRING)).build();
    assertThrows(IllegalArgumentException.class, () -> BatchRows.of(nested));
    Schema tod = Schema.builder().addNullableField("t", FieldType.logicalType(SqlTypes.TIME)).build();
    Row fine = Row.withSchema(tod).addValue(LocalTime.of(1, 2, 3, 1)).build();
    IllegalArgumentException sub =
        assertThrows(IllegalArgumentException.class, () -> BatchRows.of(tod).toBatch(List.of(fine), "a"));
    assertEquals("column 't': 01:02:03.000000001 is finer than a microsecond", sub.getMessage());
  }
}
