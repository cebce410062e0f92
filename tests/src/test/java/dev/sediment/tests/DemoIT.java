package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The README's first command: {@code bin/sediment demo}, embedded, on local files. */
public class DemoIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void demo_runsEveryStep_withExactCounts() throws Exception {
    Path work = tmp.getRoot().toPath();
    Sediment.Result r = Sediment.run(work, "demo");
    assertThat(r.toString(), r.exitCode, equalTo(0));
    // Nothing on stderr: no SerializableCoder warnings, no library chatter.
    assertThat(r.toString(), r.stderr, equalTo(""));
    assertThat(r.stdout, containsString("ingest-table trades: 12,005 records in, 12,000 written, 5 quarantined, from 3 files"));
    assertThat(r.stdout, containsString("ingest-table sensors: 12,003 records in, 12,000 written, 3 quarantined, from 2 files"));
    assertThat(r.stdout, containsString("compact: 5 partitions written, 0 unchanged, 1 without rows; 23,858 rows; 0 files quarantined"));
    assertThat(r.stdout, containsString("verified:    5 partitions, 0 bad"));
    // 51 records of 4,096 bytes in each miniSEED file (one damaged), 1 SAC trace, 24 SEG-Y traces.
    Path samples = work.resolve("lake/samples/seismic");
    assertThat(Files.size(samples.resolve("XX.SEDI.mseed")), equalTo(51L * 4096));
    assertThat(r.stdout, containsString("ingest seismic: 4 files (4 copied raw), 127 traces or records in, 126 written, 1 quarantined"));
    String quarantine;
    try (java.util.stream.Stream<Path> s = Files.list(work.resolve("lake/quarantine/seismic"))) {
      quarantine = Files.readString(s.filter(f -> f.toString().endsWith(".jsonl")).findFirst().get());
    }
    assertThat(quarantine, containsString("XX.SEDI.damaged.mseed\",\"line\":0,\"offset\":8192,\"error_type\":\"CORRUPT_DATA\""));
    assertThat(Files.isDirectory(work.resolve("lake/processed/seismic/station=XX.SEDI/date=20260204")), equalTo(true));
    // Validation: 2,000 readings and one broken line; 7 break error rules, 5 only a warn rule.
    assertThat(r.stdout, containsString("2,001 records in, 1,993 valid, 8 quarantined (1 unparsed, 7 breaking error rules), 5 passed with warnings"));
    Path report;
    try (java.util.stream.Stream<Path> s = Files.list(work.resolve("lake/reports/validation"))) {
      report = s.findFirst().get();
    }
    assertThat(Files.readString(report.resolve("report.json")), containsString("\"records_quarantined\" : 8"));
    assertThat(r.stdout, containsString("open in a browser: file://" + report.resolve("report.html")));
    assertThat(r.stdout, containsString("Demo finished: 5 of 5 steps ok."));
    assertThat(Files.exists(work.resolve("lake/compact/bbo/exchange=binance/stream=bbo/symbol=btcusdt/date=20260203/meta.json")), equalTo(true));
    assertThat(Files.isDirectory(work.resolve("lake/processed/trades/date=2026-02-03")), equalTo(true));
  }
}
