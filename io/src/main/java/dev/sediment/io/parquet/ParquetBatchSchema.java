package dev.sediment.io.parquet;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.TimeUnit;
import dev.sediment.schemas.ErrorType;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Maps Parquet schemas to {@link BatchSchema}s and back.
 *
 * <p>Reading: BOOLEAN; INT32 plain, {@code INT(8|16|32, signed)}, DATE, DECIMAL, TIME(MILLIS);
 * INT64 plain, {@code INT(64, signed)}, TIMESTAMP(MILLIS|MICROS|NANOS, UTC or local),
 * TIME(MICROS|NANOS), DECIMAL; INT96 (Spark's and Impala's legacy timestamps) as TIMESTAMP(NANOS,
 * UTC); FLOAT; DOUBLE; BINARY as STRING (STRING, ENUM, JSON), DECIMAL, else BYTES;
 * FIXED_LEN_BYTE_ARRAY as DECIMAL, else BYTES; LIST of INT32, INT64, FLOAT or DOUBLE in the
 * standard 3-level form and the legacy 2-level forms (a repeated primitive, inside a LIST group
 * or bare). Anything else (unsigned integers, maps, structs, lists of other types) is a {@link
 * ParquetColumnException} naming the file and column.
 *
 * <p>Writing: each {@link ColumnType} to its natural Parquet type and annotation (DECIMAL of
 * precision up to 9 as INT32, up to 18 as INT64, else FIXED_LEN_BYTE_ARRAY of the fewest bytes),
 * nullable columns OPTIONAL, lists in the standard 3-level form with REQUIRED elements.
 */
final class ParquetBatchSchema {
  private ParquetBatchSchema() {}

  /** How one batch column is read from its Parquet leaf column. */
  static final class Column {
    final BatchField field;
    final ColumnDescriptor descriptor;
    final PrimitiveTypeName physical;
    /** For a list: the definition level of an empty list (below it: a null list). */
    final int emptyListDef;
    /** INT32 TIME(MILLIS) widened to a long, or an INT96 timestamp. */
    final boolean widen;

    Column(BatchField field, ColumnDescriptor descriptor, int emptyListDef, boolean widen) {
      this.field = field;
      this.descriptor = descriptor;
      this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
      this.emptyListDef = emptyListDef;
      this.widen = widen;
    }

    int maxDef() {
      return descriptor.getMaxDefinitionLevel();
    }

    boolean isList() {
      return field.type() == ColumnType.LIST;
    }

    String path() {
      return String.join(".", descriptor.getPath());
    }
  }

  /**
   * The columns of {@code file} (named {@code name}) to read: all of them, or those of {@code
   * target} (by name, in its order), which must have the same type, and may be nullable where the
   * file's are required.
   */
  static List<Column> columns(MessageType file, String name, @Nullable BatchSchema target)
      throws ParquetColumnException {
    List<Column> out = new ArrayList<>();
    if (target == null) {
      for (Type t : file.getFields()) {
        out.add(column(file, t, name));
      }
      return out;
    }
    List<String> missing = new ArrayList<>();
    for (BatchField want : target.fields()) {
      if (!file.containsField(want.name())) {
        missing.add(want.name());
        continue;
      }
      Column have = column(file, file.getType(want.name()), name);
      if (!have.field.withNullable(want.nullable()).equals(want)
          || (have.field.nullable() && !want.nullable())) {
        throw new ParquetColumnException(
            name,
            want.name(),
            -1,
            ErrorType.TYPE_MISMATCH,
            "is " + have.field + " in the file but " + want + " in the schema; make them agree");
      }
      out.add(new Column(want, have.descriptor, have.emptyListDef, have.widen));
    }
    if (!missing.isEmpty()) {
      throw new ParquetColumnException(
          name,
          missing.get(0),
          -1,
          ErrorType.HEADER_MISMATCH,
          "is missing from the file (the schema's columns " + missing + " are not in it)");
    }
    return out;
  }

  private static Column column(MessageType file, Type t, String name) throws ParquetColumnException {
    String col = t.getName();
    if (t.isRepetition(Type.Repetition.REPEATED)) {
      // A bare repeated primitive: a non-null list of non-null elements (legacy 2-level).
      if (!t.isPrimitive()) {
        throw unsupported(name, col, "a repeated group (a list of structs)");
      }
      ColumnType e = listElement(t.asPrimitiveType(), name, col);
      return new Column(
          BatchField.list(col, e, false), descriptor(file, t.getName()), 0, false);
    }
    boolean nullable = t.isRepetition(Type.Repetition.OPTIONAL);
    if (!t.isPrimitive()) {
      return listColumn(file, t.asGroupType(), nullable, name);
    }
    PrimitiveType p = t.asPrimitiveType();
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    ColumnDescriptor d = descriptor(file, col);
    switch (p.getPrimitiveTypeName()) {
      case BOOLEAN:
        return new Column(BatchField.of(col, ColumnType.BOOLEAN, nullable), d, 0, false);
      case INT32:
        if (a == null) {
          return new Column(BatchField.of(col, ColumnType.INT32, nullable), d, 0, false);
        } else if (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation) {
          LogicalTypeAnnotation.IntLogicalTypeAnnotation i =
              (LogicalTypeAnnotation.IntLogicalTypeAnnotation) a;
          if (!i.isSigned()) {
            throw unsupported(name, col, "an unsigned INT(" + i.getBitWidth() + ")");
          }
          ColumnType ct =
              i.getBitWidth() == 8
                  ? ColumnType.INT8
                  : i.getBitWidth() == 16 ? ColumnType.INT16 : ColumnType.INT32;
          return new Column(BatchField.of(col, ct, nullable), d, 0, false);
        } else if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return new Column(BatchField.of(col, ColumnType.DATE, nullable), d, 0, false);
        } else if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return decimal(col, (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) a, nullable, d);
        } else if (a instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation
            && ((LogicalTypeAnnotation.TimeLogicalTypeAnnotation) a).getUnit()
                == LogicalTypeAnnotation.TimeUnit.MILLIS) {
          return new Column(BatchField.time(col, TimeUnit.MILLIS, nullable), d, 0, true);
        }
        throw unsupported(name, col, "INT32 " + a);
      case INT64:
        if (a == null) {
          return new Column(BatchField.of(col, ColumnType.INT64, nullable), d, 0, false);
        } else if (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation) {
          if (!((LogicalTypeAnnotation.IntLogicalTypeAnnotation) a).isSigned()) {
            throw unsupported(name, col, "an unsigned INT(64)");
          }
          return new Column(BatchField.of(col, ColumnType.INT64, nullable), d, 0, false);
        } else if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
          LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts =
              (LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) a;
          return new Column(
              BatchField.timestamp(col, unit(ts.getUnit()), ts.isAdjustedToUTC(), nullable),
              d,
              0,
              false);
        } else if (a instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
          TimeUnit u = unit(((LogicalTypeAnnotation.TimeLogicalTypeAnnotation) a).getUnit());
          if (u != TimeUnit.MILLIS) {
            return new Column(BatchField.time(col, u, nullable), d, 0, false);
          }
        } else if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return decimal(col, (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) a, nullable, d);
        }
        throw unsupported(name, col, "INT64 " + a);
      case INT96:
        return new Column(BatchField.timestamp(col, TimeUnit.NANOS, true, nullable), d, 0, true);
      case FLOAT:
        return new Column(BatchField.of(col, ColumnType.FLOAT, nullable), d, 0, false);
      case DOUBLE:
        return new Column(BatchField.of(col, ColumnType.DOUBLE, nullable), d, 0, false);
      case BINARY:
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return new Column(BatchField.of(col, ColumnType.STRING, nullable), d, 0, false);
        } else if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return decimal(col, (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) a, nullable, d);
        }
        return new Column(BatchField.of(col, ColumnType.BYTES, nullable), d, 0, false);
      case FIXED_LEN_BYTE_ARRAY:
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return decimal(col, (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) a, nullable, d);
        }
        return new Column(BatchField.of(col, ColumnType.BYTES, nullable), d, 0, false);
      default:
        throw unsupported(name, col, p.getPrimitiveTypeName().toString());
    }
  }

  private static Column decimal(
      String col,
      LogicalTypeAnnotation.DecimalLogicalTypeAnnotation a,
      boolean nullable,
      ColumnDescriptor d) {
    return new Column(BatchField.decimal(col, a.getPrecision(), a.getScale(), nullable), d, 0, false);
  }

  /** A LIST group, 3-level ({@code repeated group list { element }}) or 2-level. */
  private static Column listColumn(MessageType file, GroupType g, boolean nullable, String name)
      throws ParquetColumnException {
    String col = g.getName();
    LogicalTypeAnnotation a = g.getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
        || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) {
      throw unsupported(name, col, "a MAP");
    }
    if (!(a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
      throw unsupported(name, col, "a struct (a group of " + g.getFieldCount() + " fields)");
    }
    if (g.getFieldCount() != 1 || !g.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      throw unsupported(name, col, "a LIST group that does not hold one repeated field");
    }
    Type repeated = g.getType(0);
    // Null list: def < emptyListDef; empty list: def == emptyListDef.
    int emptyListDef = nullable ? 1 : 0;
    PrimitiveType element;
    if (repeated.isPrimitive()) {
      element = repeated.asPrimitiveType(); // 2-level: repeated int32 element
    } else {
      GroupType r = repeated.asGroupType();
      // Parquet's backward-compatibility rule: these are 2-level lists of structs.
      if (r.getFieldCount() != 1
          || r.getName().equals("array")
          || r.getName().equals(col + "_tuple")
          || !r.getType(0).isPrimitive()) {
        throw unsupported(name, col, "a LIST of structs or of lists");
      }
      element = r.getType(0).asPrimitiveType();
    }
    ColumnType e = listElement(element, name, col);
    String[] path =
        repeated.isPrimitive()
            ? new String[] {col, repeated.getName()}
            : new String[] {col, repeated.getName(), element.getName()};
    return new Column(
        BatchField.list(col, e, nullable), file.getColumnDescription(path), emptyListDef, false);
  }

  private static ColumnType listElement(PrimitiveType p, String name, String col)
      throws ParquetColumnException {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    boolean plainInt =
        a == null
            || (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                && ((LogicalTypeAnnotation.IntLogicalTypeAnnotation) a).isSigned()
                && ((LogicalTypeAnnotation.IntLogicalTypeAnnotation) a).getBitWidth()
                    == (p.getPrimitiveTypeName() == PrimitiveTypeName.INT64 ? 64 : 32));
    switch (p.getPrimitiveTypeName()) {
      case INT32:
        if (plainInt) {
          return ColumnType.INT32;
        }
        break;
      case INT64:
        if (plainInt) {
          return ColumnType.INT64;
        }
        break;
      case FLOAT:
        return ColumnType.FLOAT;
      case DOUBLE:
        return ColumnType.DOUBLE;
      default:
        break;
    }
    throw unsupported(
        name,
        col,
        "a LIST of " + p.getPrimitiveTypeName() + (a == null ? "" : " " + a)
            + " (lists may hold INT32, INT64, FLOAT or DOUBLE)");
  }

  private static ColumnDescriptor descriptor(MessageType file, String col) {
    return file.getColumnDescription(new String[] {col});
  }

  private static TimeUnit unit(LogicalTypeAnnotation.TimeUnit u) {
    switch (u) {
      case MILLIS:
        return TimeUnit.MILLIS;
      case MICROS:
        return TimeUnit.MICROS;
      default:
        return TimeUnit.NANOS;
    }
  }

  private static ParquetColumnException unsupported(String file, String col, String what) {
    return new ParquetColumnException(
        file,
        col,
        -1,
        ErrorType.TYPE_MISMATCH,
        "is "
            + what
            + ", which a column batch cannot hold; leave the column out (withSchema) or store it"
            + " as a supported type");
  }

  /** The Parquet schema {@link ParquetBatchWriter} writes {@code schema} as. */
  static MessageType toParquet(BatchSchema schema) {
    List<Type> fields = new ArrayList<>();
    for (BatchField f : schema.fields()) {
      fields.add(toParquet(f));
    }
    return new MessageType("sediment", fields);
  }

  /** The bytes of a FIXED_LEN_BYTE_ARRAY that holds any unscaled value of {@code precision} digits. */
  static int decimalBytes(int precision) {
    // The fewest bytes whose two's complement holds 10^precision - 1.
    java.math.BigInteger max = java.math.BigInteger.TEN.pow(precision).subtract(java.math.BigInteger.ONE);
    return max.bitLength() / 8 + 1;
  }

  private static Type toParquet(BatchField f) {
    Type.Repetition rep = f.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    String n = f.name();
    switch (f.type()) {
      case BOOLEAN:
        return Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(n);
      case INT8:
        return Types.primitive(PrimitiveTypeName.INT32, rep)
            .as(LogicalTypeAnnotation.intType(8, true))
            .named(n);
      case INT16:
        return Types.primitive(PrimitiveTypeName.INT32, rep)
            .as(LogicalTypeAnnotation.intType(16, true))
            .named(n);
      case INT32:
        return Types.primitive(PrimitiveTypeName.INT32, rep).named(n);
      case DATE:
        return Types.primitive(PrimitiveTypeName.INT32, rep)
            .as(LogicalTypeAnnotation.dateType())
            .named(n);
      case INT64:
        return Types.primitive(PrimitiveTypeName.INT64, rep).named(n);
      case TIMESTAMP:
        return Types.primitive(PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timestampType(f.utc(), parquetUnit(f.unit())))
            .named(n);
      case TIME:
        return Types.primitive(
                f.unit() == TimeUnit.MILLIS ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timeType(false, parquetUnit(f.unit())))
            .named(n);
      case FLOAT:
        return Types.primitive(PrimitiveTypeName.FLOAT, rep).named(n);
      case DOUBLE:
        return Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(n);
      case STRING:
        return Types.primitive(PrimitiveTypeName.BINARY, rep)
            .as(LogicalTypeAnnotation.stringType())
            .named(n);
      case BYTES:
        return Types.primitive(PrimitiveTypeName.BINARY, rep).named(n);
      case DECIMAL:
        {
          LogicalTypeAnnotation dec =
              LogicalTypeAnnotation.decimalType(f.scale(), f.precision());
          if (f.precision() <= 9) {
            return Types.primitive(PrimitiveTypeName.INT32, rep).as(dec).named(n);
          } else if (f.precision() <= 18) {
            return Types.primitive(PrimitiveTypeName.INT64, rep).as(dec).named(n);
          }
          return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep)
              .length(decimalBytes(f.precision()))
              .as(dec)
              .named(n);
        }
      case LIST:
        {
          PrimitiveTypeName e;
          switch (f.elementType()) {
            case INT32:
              e = PrimitiveTypeName.INT32;
              break;
            case INT64:
              e = PrimitiveTypeName.INT64;
              break;
            case FLOAT:
              e = PrimitiveTypeName.FLOAT;
              break;
            default:
              e = PrimitiveTypeName.DOUBLE;
              break;
          }
          return Types.buildGroup(rep)
              .as(LogicalTypeAnnotation.listType())
              .addField(
                  Types.repeatedGroup()
                      .addField(Types.primitive(e, Type.Repetition.REQUIRED).named("element"))
                      .named("list"))
              .named(n);
        }
      default:
        throw new IllegalArgumentException("no Parquet type for " + f);
    }
  }

  private static LogicalTypeAnnotation.TimeUnit parquetUnit(TimeUnit u) {
    switch (u) {
      case MILLIS:
        return LogicalTypeAnnotation.TimeUnit.MILLIS;
      case MICROS:
        return LogicalTypeAnnotation.TimeUnit.MICROS;
      default:
        return LogicalTypeAnnotation.TimeUnit.NANOS;
    }
  }
}
