package dev.sediment.io.lake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class LakeLayoutTest {

  @Test
  public void zones_localRoot_joinWithOneSlash() {
    LakeLayout lake = LakeLayout.of("/data/lake/");
    assertThat(lake.raw("quakes"), equalTo("/data/lake/raw/quakes"));
    assertThat(lake.processed("quakes"), equalTo("/data/lake/processed/quakes"));
    assertThat(lake.curated("quakes"), equalTo("/data/lake/curated/quakes"));
    assertThat(lake.quarantine("quakes"), equalTo("/data/lake/quarantine/quakes"));
    assertThat(lake.reports(), equalTo("/data/lake/reports"));
    assertThat(
        lake.validationReport("20261123T214500Z-3f9a1c"),
        equalTo("/data/lake/reports/validation/20261123T214500Z-3f9a1c"));
  }

  @Test
  public void zones_objectStoreAndFileRoots_keepTheirScheme() {
    assertThat(LakeLayout.of("s3://bucket/lake").raw("t"), equalTo("s3://bucket/lake/raw/t"));
    assertThat(LakeLayout.of("gs://bucket/").processed("t"), equalTo("gs://bucket/processed/t"));
    assertThat(
        LakeLayout.of("file:///tmp/lake").quarantine("t"),
        equalTo("file:///tmp/lake/quarantine/t"));
  }

  @Test
  public void zones_nameThatWouldLeaveTheZone_isRejected() {
    LakeLayout lake = LakeLayout.of("/lake");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lake.raw(".."));
    assertThat(
        e.getMessage(),
        equalTo(
            "dataset '..' is not a valid name; use letters, digits, '.', '_' and '-', starting"
                + " with a letter or digit"));
    assertThrows(IllegalArgumentException.class, () -> lake.processed("a/b"));
    assertThrows(IllegalArgumentException.class, () -> lake.validationReport(""));
    assertThrows(IllegalArgumentException.class, () -> LakeLayout.of(""));
  }

  @Test
  public void join_stripsSlashesBetweenParts_only() {
    assertThat(LakePaths.join("lake", "a", "/b"), equalTo("lake/a/b"));
    assertThat(LakePaths.join("lake//", "a/"), equalTo("lake/a/"));
    assertThat(LakePaths.join("s3://b/", "x"), equalTo("s3://b/x"));
    assertThat(LakePaths.join("gs://b", "x", "y"), equalTo("gs://b/x/y"));
  }

  @Test
  public void absolute_keepsUrisAndMakesLocalPathsAbsolute() {
    assertThat(LakePaths.absolute("s3://b/x/*.csv"), equalTo("s3://b/x/*.csv"));
    assertThat(LakePaths.absolute("file:/tmp/x"), equalTo("file:/tmp/x"));
    assertThat(LakePaths.absolute("/tmp/a/../b/*.csv"), equalTo("/tmp/b/*.csv"));
    assertThat(LakePaths.hasScheme("gs://b"), equalTo(true));
    assertThat(LakePaths.hasScheme("/tmp/b"), equalTo(false));
  }
}
