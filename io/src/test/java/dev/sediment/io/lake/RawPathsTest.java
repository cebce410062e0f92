package dev.sediment.io.lake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class RawPathsTest {

  @Test
  public void globBase_isTheDirectoryBeforeTheFirstWildcard() {
    assertThat(RawPaths.globBase("/in/*.mseed"), equalTo("/in/"));
    assertThat(RawPaths.globBase("/in/2026/**"), equalTo("/in/2026/"));
    assertThat(RawPaths.globBase("s3://b/x/{a,b}/*.sac"), equalTo("s3://b/x/"));
    assertThat(RawPaths.globBase("gs://b/x/day?/f[0-9].segy"), equalTo("gs://b/x/"));
    assertThat(RawPaths.globBase("/in/a.mseed"), equalTo("/in/"));
    assertThat(RawPaths.globBase("/in/dir/"), equalTo("/in/dir/"));
    assertThat(RawPaths.globBase("a.mseed"), equalTo(""));
    assertThat(RawPaths.globBase("*.mseed"), equalTo(""));
  }

  @Test
  public void destination_keepsThePathBelowTheBase_elseTheName() {
    assertThat(
        RawPaths.destination("/in/", "/lake/raw/q", "/in/02/a.mseed", "a.mseed"),
        equalTo("/lake/raw/q/02/a.mseed"));
    assertThat(
        RawPaths.destination("s3://b/in/", "s3://l/raw/q", "s3://b/in/a.sac", "a.sac"),
        equalTo("s3://l/raw/q/a.sac"));
    assertThat(
        RawPaths.destination("/in/", "/lake/raw/q", "/elsewhere/b.sac", "b.sac"),
        equalTo("/lake/raw/q/b.sac"));
    assertThat(
        RawPaths.destination("", "/lake/raw/q", "/x/y/c.sac", "c.sac"),
        equalTo("/lake/raw/q/c.sac"));
  }

  @Test
  public void destination_pathLeavingTheRawDirectory_isRefused() {
    SafePaths.UnsafePathException e =
        assertThrows(
            SafePaths.UnsafePathException.class,
            () -> RawPaths.destination("s3://b/in/", "/lake/raw/q", "s3://b/in/../../x", "x"));
    assertThat(e.reason().isEmpty(), equalTo(false));
    assertThrows(
        SafePaths.UnsafePathException.class,
        () -> RawPaths.destination("s3://b/in/", "/lake/raw/q", "s3://b/in/a//x", "x"));
    assertThrows(
        SafePaths.UnsafePathException.class,
        () -> RawPaths.destination("s3://b/in/", "/lake/raw/q", "s3://b/in/a\\..\\x", "x"));
  }
}
