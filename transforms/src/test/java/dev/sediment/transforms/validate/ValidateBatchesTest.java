package dev.sediment.transforms.validate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.table.AvroTableSchema;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The batch path gives exactly what the row path gives: the same report JSON, the same violations
 * and the same valid rows, over random rows of every column type with nulls, NaN, -0.0,
 * extremes and characters outside the BMP.
 */
@RunWith(JUnit4.class)
public class ValidateBatchesTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static Schema.Field opt(String name, FieldType t, String option, FieldType ot, Object v) {
    return Schema.Field.nullable(name, t).withOptions(Schema.Options.builder().setOption(option, ot, v));
  }

  static final Schema S =
      Schema.builder()
          .addNullableField("id", FieldType.INT64)
          .addNullableField("small", FieldType.INT32)
          .addNullableField("text", FieldType.STRING)
          .addNullableField("sym", FieldType.STRING)
          .addNullableField("x", FieldType.DOUBLE)
          .addNullableField("f", FieldType.FLOAT)
          .addField(
              Schema.Field.nullable("amount", FieldType.DECIMAL)
                  .withOptions(
                      Schema.Options.builder()
                          .setOption(AvroTableSchema.DECIMAL_PRECISION_OPTION, FieldType.INT32, 10)
                          .setOption(AvroTableSchema.DECIMAL_SCALE_OPTION, FieldType.INT32, 2)))
          .addField(opt("ts", FieldType.INT64, AvroTableSchema.LOGICAL_TYPE_OPTION, FieldType.STRING, "timestamp-micros"))
          .addField(opt("tsn", FieldType.INT64, AvroTableSchema.LOGICAL_TYPE_OPTION, FieldType.STRING, "timestamp-nanos"))
          .addNullableField("at", FieldType.DATETIME)
          .addNullableField("day", FieldType.logicalType(SqlTypes.DATE))
          .addNullableField("raw", FieldType.BYTES)
          .addNullableField("samples", FieldType.array(FieldType.DOUBLE))
          .addNullableField("flag", FieldType.BOOLEAN)
          .build();

  static final String RULES =
      String.join(
          "\n",
          "columns:",
          "  id:",
          "    - {rule: not_null}",
          "    - {rule: min, value: 0.5}",
          "    - {rule: max, value: 1e30}",
          "  small:",
          "    - {rule: in, values: [1, 2, 3]}",
          "    - {rule: max, value: 2, exclusive: true, severity: warn}",
          "  text:",
          "    - {rule: length, min: 1, max: 3}",
          "    - {rule: regex, pattern: \"^[a-zé\\uE000]\"}",
          "    - {rule: type, value: int, severity: warn}",
          "  sym:",
          "    - {rule: in, values: [AAA, BB]}",
          "    - {rule: type, value: string}",
          "  x:",
          "    - {rule: min, value: -1}",
          "    - {rule: max, value: 2, exclusive: true, severity: warn}",
          "  f:",
          "    - {rule: max, value: 3.4}",
          "  amount:",
          "    - {rule: min, value: 0.05}",
          "  ts:",
          "    - {rule: min, value: \"2020-01-01T00:00:00Z\"}",
          "  tsn:",
          "    - {rule: max, value: \"2030-01-01T00:00:00.000000001Z\"}",
          "  at:",
          "    - {rule: min, value: \"2000-01-01T00:00:00Z\"}",
          "  day:",
          "    - {rule: max, value: \"2025-01-01T00:00:00Z\"}",
          "  raw:",
          "    - {rule: length, max: 2}",
          "  samples:",
          "    - {rule: length, min: 1}",
          "  flag:",
          "    - {rule: not_null, severity: warn}",
          "dataset:",
          "  - {rule: row_count, min: 1}",
          "  - {rule: completeness, column: id, min: 0.9}",
          "");

  static final String[] TEXTS = {"", "a", "b", "ab", "é", "\uE000x", "\uD83D\uDE00", "\uD83D\uDE00a", "zzzz", "12", "Z", "\uFFFF"};
  static final double[] XS = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, -1.0, Math.nextDown(-1.0), 1.999, 2.0, -5e300};
  static final float[] FS = {3.4f, Math.nextUp(3.4f), Float.NaN, -0f, Float.MAX_VALUE};

  static List<Row> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object[] v = new Object[S.getFieldCount()];
      v[0] = r.nextInt(20) == 0 ? null : (long) (r.nextInt(7) - 2);
      v[1] = r.nextInt(10) == 0 ? null : r.nextInt(6);
      v[2] = r.nextInt(10) == 0 ? null : TEXTS[r.nextInt(TEXTS.length)];
      v[3] = r.nextInt(10) == 0 ? null : new String[] {"AAA", "BB", "C", "aaa"}[r.nextInt(4)];
      v[4] = r.nextInt(10) == 0 ? null : XS[r.nextInt(XS.length)];
      v[5] = r.nextInt(10) == 0 ? null : FS[r.nextInt(FS.length)];
      v[6] = r.nextInt(10) == 0 ? null : new BigDecimal(r.nextInt(20) - 5).movePointLeft(2);
      v[7] = r.nextInt(10) == 0 ? null : 1_577_836_800_000_000L + (r.nextInt(5) - 2);
      v[8] = r.nextInt(10) == 0 ? null : 1_893_456_000_000_000_001L + (r.nextInt(3) - 1);
      v[9] = r.nextInt(10) == 0 ? null : new Instant(946_684_800_000L + (r.nextInt(3) - 1));
      v[10] = r.nextInt(10) == 0 ? null : LocalDate.of(2025, 1, 1).plusDays(r.nextInt(3) - 1);
      v[11] = r.nextInt(10) == 0 ? null : new byte[r.nextInt(4)];
      v[12] = r.nextInt(10) == 0 ? null : r.nextBoolean() ? List.of() : List.of(1.0, Double.NaN);
      v[13] = r.nextInt(4) == 0 ? null : r.nextBoolean();
      out.add(Row.withSchema(S).attachValues(Arrays.asList(v)));
    }
    return out;
  }

  static List<ColumnBatch> batches(List<Row> rows, int size) {
    BatchRows conv = BatchRows.of(S);
    List<ColumnBatch> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i += size) {
      out.add(conv.toBatch(rows.subList(i, Math.min(rows.size(), i + size)), "mem:" + i));
    }
    return out;
  }

  /** Groups two tagged texts per key and asserts the sides are equal as sorted lists. */
  static void assertSame(String what, PCollection<KV<String, String>> rowSide, PCollection<KV<String, String>> batchSide) {
    PCollection<KV<Integer, Iterable<KV<String, String>>>> grouped =
        PCollectionList.of(rowSide)
            .and(batchSide)
            .apply(what + "Flatten", Flatten.pCollections())
            .apply(what + "Key", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))).via(kv -> KV.of(0, kv)))
            .apply(what + "Group", GroupByKey.create());
    PAssert.thatSingleton(what, grouped)
        .satisfies(
            (SerializableFunction<KV<Integer, Iterable<KV<String, String>>>, Void>)
                g -> {
                  List<KV<String, String>> all = StreamSupport.stream(g.getValue().spliterator(), false).collect(Collectors.toList());
                  List<String> rowTexts = all.stream().filter(kv -> kv.getKey().equals("row")).map(KV::getValue).sorted().collect(Collectors.toList());
                  List<String> batchTexts = all.stream().filter(kv -> kv.getKey().equals("batch")).map(KV::getValue).sorted().collect(Collectors.toList());
                  assertTrue(what + " is empty", !rowTexts.isEmpty());
                  assertEquals(what, rowTexts, batchTexts);
                  return null;
                });
  }

  static PCollection<KV<String, String>> tag(String name, String tag, PCollection<String> texts) {
    return texts.apply(name, MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings())).via(t -> KV.of(tag, t)));
  }

  @Test
  public void batchPathEqualsRowPath() {
    List<Row> input = rows(3000, 42);
    Rules rules = Rules.parse(RULES, "r.yaml");
    Validate.Rows validate = Validate.against(rules).withNow(new Instant(1_700_000_000_000L));
    ValidationResult byRows =
        p.apply("Rows", Create.of(input).withRowSchema(S)).apply("ValidateRows", validate);
    BatchValidationResult byBatches =
        p.apply("Batches", Create.of(batches(input, 700)).withCoder(ColumnBatchCoder.of(BatchRows.of(S).batchSchema())))
            .apply("ValidateBatches", validate.onBatches(S));

    assertSame(
        "report",
        tag("RowReport", "row", byRows.report().apply("RowReportJson", MapElements.into(TypeDescriptors.strings()).via(ValidationReport::toJson))),
        tag("BatchReport", "batch", byBatches.report().apply("BatchReportJson", MapElements.into(TypeDescriptors.strings()).via(ValidationReport::toJson))));
    assertSame(
        "violations",
        tag("RowViolations", "row", byRows.violations().apply("RowViolationJson", MapElements.into(TypeDescriptors.strings()).via(Violation::toJson))),
        tag("BatchViolations", "batch", byBatches.violations().apply("BatchViolationJson", MapElements.into(TypeDescriptors.strings()).via(Violation::toJson))));
    assertSame(
        "valid",
        tag("RowValid", "row", byRows.valid().apply("RowValidJson", MapElements.into(TypeDescriptors.strings()).via(r -> Json.row(r).toString()))),
        tag("BatchValid", "batch", byBatches.valid().apply("BatchValidJson", FlatMapElements.into(TypeDescriptors.strings()).via(b -> {
          BatchRows conv = BatchRows.of(S);
          List<String> out = new ArrayList<>();
          for (Row r : conv.toRows(b)) {
            out.add(Json.row(r).toString());
          }
          return out;
        }))));
    p.run();
  }

  @Test
  public void keyedRulesGoThroughTheRowPath() {
    List<Row> input = rows(500, 7);
    Rules rules = Rules.parse(RULES + "  - {rule: unique, columns: [sym, small]}\n", "r.yaml");
    Validate.Rows validate = Validate.against(rules).withNow(new Instant(1_700_000_000_000L));
    ValidationResult byRows =
        p.apply("Rows", Create.of(input).withRowSchema(S)).apply("ValidateRows", validate);
    BatchValidationResult byBatches =
        p.apply("Batches", Create.of(batches(input, 128)).withCoder(ColumnBatchCoder.of(BatchRows.of(S).batchSchema())))
            .apply("ValidateBatches", validate.onBatches(S));
    assertSame(
        "report",
        tag("RowReport", "row", byRows.report().apply("RowReportJson", MapElements.into(TypeDescriptors.strings()).via(ValidationReport::toJson))),
        tag("BatchReport", "batch", byBatches.report().apply("BatchReportJson", MapElements.into(TypeDescriptors.strings()).via(ValidationReport::toJson))));
    assertSame(
        "violations",
        tag("RowViolations", "row", byRows.violations().apply("RowViolationJson", MapElements.into(TypeDescriptors.strings()).via(Violation::toJson))),
        tag("BatchViolations", "batch", byBatches.violations().apply("BatchViolationJson", MapElements.into(TypeDescriptors.strings()).via(Violation::toJson))));
    p.run();
  }

  @Test
  public void compareUtf16OrdersAsStringCompareTo() {
    String[] s = {"", "a", "ab", "é", "\uE000", "\uFFFF", "\uD83D\uDE00", "\uD83D\uDE01", "\uD800\uDC00", "z\uD83D\uDE00", "z\uE000", "zz"};
    BinaryColumn col = BinaryColumn.ofStrings(s);
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        assertEquals(s[i] + " vs " + s[j], Integer.signum(s[i].compareTo(s[j])), Integer.signum(BatchEvaluator.compareUtf16(col, i, j)));
      }
    }
  }
}
