package dev.sediment.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The reference peer: DuckDB (in process, through JDBC) compacts a spool partition with one
 * statement, or compares two compacted files.
 *
 * <pre>{@code
 * java -cp ... dev.sediment.bench.DuckDbCompact copy --input='SPOOL/.../*.parquet' --output=out.parquet [--memoryLimit=400MB] [--tempDir=DIR]
 * java -cp ... dev.sediment.bench.DuckDbCompact compare --left=a.parquet --right=b.parquet
 * java -cp ... dev.sediment.bench.DuckDbCompact respool --input=DIR --output=DIR
 * }</pre>
 *
 * <p>{@code copy} runs {@code COPY (SELECT * FROM read_parquet(input, hive_partitioning = false)
 * ORDER BY ts_event, seq) TO output (FORMAT parquet)} and prints one line {@code duckdb copy:
 * rows=N seconds=S threads=T memory_limit=M}. Hive partitioning is off because Sediment's output
 * holds the file's columns only; with it on, DuckDB would add {@code exchange, stream, symbol}.
 *
 * <p>{@code compare} prints both row counts and the rows each file has that the other lacks
 * (multiset difference, {@code EXCEPT ALL}), and whether each file is in {@code (ts_event, seq)}
 * order; it exits 1 unless the files hold the same rows in that order.
 *
 * <p>{@code respool} rewrites every {@code *.parquet} file of one spool partition directory with
 * DuckDB, {@code COPY (SELECT * FROM read_parquet(file)) TO output/file (FORMAT parquet)}, same
 * name, same rows in the same order ({@code preserve_insertion_order} is on), so the spool is
 * what DuckDB writes: every column OPTIONAL (nullable), DuckDB's row groups. It prints one line
 * per file with its rows and how many of its columns are OPTIONAL, and exits 1 unless every
 * column of every file is.
 */
public final class DuckDbCompact {
  private DuckDbCompact() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: copy --input=GLOB --output=FILE | compare --left=F --right=F");
    }
    String input = arg(args, "input", null);
    String output = arg(args, "output", null);
    String memoryLimit = arg(args, "memoryLimit", "");
    String tempDir = arg(args, "tempDir", "");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      if (!tempDir.isEmpty()) {
        s.execute("SET temp_directory = " + quote(tempDir));
      }
      if (!memoryLimit.isEmpty()) {
        s.execute("SET memory_limit = " + quote(memoryLimit));
      }
      switch (args[0]) {
        case "copy":
          System.exit(copy(s, require("input", input), require("output", output)));
          break;
        case "respool":
          System.exit(respool(s, require("input", input), require("output", output)));
          break;
        case "compare":
          System.exit(compare(s, require("left", arg(args, "left", null)), require("right", arg(args, "right", null))));
          break;
        default:
          throw new IllegalArgumentException("unknown mode " + args[0] + "; use copy or compare");
      }
    }
  }

  static int copy(Statement s, String input, String output) throws SQLException {
    String sql =
        "COPY (SELECT * FROM read_parquet(" + quote(input) + ", hive_partitioning = false)"
            + " ORDER BY ts_event, seq) TO " + quote(output) + " (FORMAT parquet)";
    long t0 = System.nanoTime();
    s.execute(sql);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long rows = scalar(s, "SELECT count(*) FROM read_parquet(" + quote(output) + ")");
    System.out.printf(
        "duckdb copy: rows=%d seconds=%.3f threads=%s memory_limit=%s version=%s%n",
        rows, seconds, setting(s, "threads"), setting(s, "memory_limit"), setting(s, "version()"));
    System.out.println("duckdb sql: " + sql);
    return 0;
  }

  static int respool(Statement s, String input, String output) throws Exception {
    Path in = Paths.get(input);
    Path out = Paths.get(output);
    Files.createDirectories(out);
    List<Path> files;
    try (Stream<Path> list = Files.list(in)) {
      files = list.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted()
          .collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no *.parquet file in " + in);
    }
    int status = 0;
    for (Path f : files) {
      String target = out.resolve(f.getFileName()).toString();
      s.execute("COPY (SELECT * FROM read_parquet(" + quote(f.toString()) + ", hive_partitioning = false))"
          + " TO " + quote(target) + " (FORMAT parquet)");
      long rows = scalar(s, "SELECT count(*) FROM read_parquet(" + quote(target) + ")");
      // parquet_schema lists the root too; its columns are the rows with a type.
      long columns = scalar(s, "SELECT count(*) FROM parquet_schema(" + quote(target) + ") WHERE type IS NOT NULL");
      long optional = scalar(s, "SELECT count(*) FROM parquet_schema(" + quote(target) + ")"
          + " WHERE type IS NOT NULL AND repetition_type = 'OPTIONAL'");
      System.out.printf("duckdb respool: %s rows=%d optional_columns=%d of %d%n", target, rows, optional, columns);
      if (optional != columns) {
        status = 1;
      }
    }
    return status;
  }

  static int compare(Statement s, String left, String right) throws SQLException {
    String l = "read_parquet(" + quote(left) + ", hive_partitioning = false)";
    String r = "read_parquet(" + quote(right) + ", hive_partitioning = false)";
    long nl = scalar(s, "SELECT count(*) FROM " + l);
    long nr = scalar(s, "SELECT count(*) FROM " + r);
    long onlyLeft = scalar(s, "SELECT count(*) FROM (SELECT * FROM " + l + " EXCEPT ALL SELECT * FROM " + r + ")");
    long onlyRight = scalar(s, "SELECT count(*) FROM (SELECT * FROM " + r + " EXCEPT ALL SELECT * FROM " + l + ")");
    long leftDisorder = disorder(s, left);
    long rightDisorder = disorder(s, right);
    System.out.printf(
        "compare: left_rows=%d right_rows=%d only_left=%d only_right=%d left_out_of_order=%d right_out_of_order=%d%n",
        nl, nr, onlyLeft, onlyRight, leftDisorder, rightDisorder);
    return nl == nr && onlyLeft == 0 && onlyRight == 0 && leftDisorder == 0 && rightDisorder == 0 ? 0 : 1;
  }

  /** Rows whose (ts_event, seq) is smaller than the previous row's, in file order. */
  private static long disorder(Statement s, String file) throws SQLException {
    return scalar(
        s,
        "SELECT count(*) FROM (SELECT ts_event, seq, lag(ts_event) OVER w AS pt, lag(seq) OVER w AS ps"
            + " FROM read_parquet(" + quote(file) + ", hive_partitioning = false, file_row_number = true)"
            + " WINDOW w AS (ORDER BY file_row_number))"
            + " WHERE pt > ts_event OR (pt = ts_event AND ps > seq)");
  }

  private static long scalar(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String setting(Statement s, String expr) throws SQLException {
    String sql = expr.endsWith(")") ? "SELECT " + expr : "SELECT current_setting(" + quote(expr) + ")";
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String quote(String v) {
    return "'" + v.replace("'", "''") + "'";
  }

  private static String require(String name, String v) {
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("--" + name + "= is required");
    }
    return v;
  }

  private static String arg(String[] args, String name, String dflt) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        return a.substring(name.length() + 3);
      }
    }
    return dflt;
  }
}
