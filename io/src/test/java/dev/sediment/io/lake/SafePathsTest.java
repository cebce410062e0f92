package dev.sediment.io.lake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.lake.SafePaths.UnsafePathException;
import java.nio.file.Paths;
import org.junit.Test;

public class SafePathsTest {

  private static void refused(String relative, String reason) {
    UnsafePathException e =
        assertThrows(UnsafePathException.class, () -> SafePaths.checkRelative(relative));
    assertThat(relative, e.reason(), equalTo(reason));
    assertThat(SafePaths.isSafeRelative(relative), equalTo(false));
    // resolve refuses it too, under both kinds of root
    assertThrows(UnsafePathException.class, () -> SafePaths.resolve("/lake/raw/ds", relative));
    assertThrows(
        UnsafePathException.class, () -> SafePaths.resolve("s3://bkt/lake/raw/ds", relative));
  }

  @Test
  public void checkRelative_refusesDotDotSegments() {
    refused("..", "it has a '..' segment");
    refused("../x", "it has a '..' segment");
    refused("a/../../x", "it has a '..' segment");
    refused("a/..", "it has a '..' segment");
    refused("../../../escape2/authorized_keys", "it has a '..' segment");
    refused("a/b/../c", "it has a '..' segment");
  }

  @Test
  public void checkRelative_refusesDotSegments() {
    refused(".", "it has a '.' segment");
    refused("./x", "it has a '.' segment");
    refused("a/./x", "it has a '.' segment");
  }

  @Test
  public void checkRelative_refusesEmptySegments() {
    refused("a//b", "it has an empty segment ('//' or a trailing '/')");
    refused("a/", "it has an empty segment ('//' or a trailing '/')");
    refused("", "it is empty");
  }

  @Test
  public void checkRelative_refusesAbsolutePathsAndUris() {
    refused("/etc/passwd", "it is absolute (starts with '/')");
    refused("//host/x", "it is absolute (starts with '/')");
    refused("s3://other/x", "it is a URI, not a relative path");
    refused("file:///etc/passwd", "it is a URI, not a relative path");
  }

  @Test
  public void checkRelative_refusesNulAndBackslash() {
    refused("a\0b", "it holds a NUL character");
    refused("..\\..\\x", "it holds a backslash");
    refused("a\\b", "it holds a backslash");
  }

  @Test
  public void checkRelative_acceptsOrdinaryNames() {
    for (String ok :
        new String[] {
          "a",
          "a.mseed",
          "2026/02/a.mseed",
          "...",
          "..a",
          "a..",
          ".hidden",
          "station=../date=20260203",
          "k=%2E%2E/part-00000-of-00001.parquet",
          "name with spaces",
          "ünïcødé/ファイル.sgy",
          "a:b"
        }) {
      assertThat(ok, SafePaths.checkRelative(ok), equalTo(ok));
      assertThat(ok, SafePaths.isSafeRelative(ok), equalTo(true));
    }
  }

  @Test
  public void checkRelative_nullIsRefused() {
    assertThrows(UnsafePathException.class, () -> SafePaths.checkRelative(null));
  }

  @Test
  public void resolve_local_joinsBelowTheRoot() {
    assertThat(SafePaths.resolve("/lake/raw/ds", "a/b.sgy"), equalTo("/lake/raw/ds/a/b.sgy"));
    assertThat(SafePaths.resolve("/lake/raw/ds/", "a/b.sgy"), equalTo("/lake/raw/ds/a/b.sgy"));
    assertThat(SafePaths.resolve("/lake/./raw/x/../ds", "b"), equalTo("/lake/raw/ds/b"));
    assertThat(
        SafePaths.resolve("lake/raw/ds", "b"),
        equalTo(Paths.get("lake/raw/ds/b").toAbsolutePath().normalize().toString()));
    assertThat(SafePaths.resolve("file:///lake/raw/ds/", "a/b"), equalTo("/lake/raw/ds/a/b"));
  }

  @Test
  public void resolve_uri_joinsBelowTheRoot() {
    assertThat(
        SafePaths.resolve("s3://bkt/lake/raw/ds", "in/a.mseed"),
        equalTo("s3://bkt/lake/raw/ds/in/a.mseed"));
    assertThat(
        SafePaths.resolve("s3://bkt/lake/raw/ds/", "in/a.mseed"),
        equalTo("s3://bkt/lake/raw/ds/in/a.mseed"));
    assertThat(SafePaths.resolve("gs://bkt", "a"), equalTo("gs://bkt/a"));
    assertThat(SafePaths.resolve("gs://bkt/", "a/b"), equalTo("gs://bkt/a/b"));
    // A root written with '..' is normalised before the join; the result stays under it.
    assertThat(SafePaths.resolve("s3://bkt/x/../lake", "a"), equalTo("s3://bkt/lake/a"));
  }

  @Test
  public void resolve_theRootItselfIsNotAChild() {
    assertThrows(UnsafePathException.class, () -> SafePaths.resolve("/lake", "."));
    assertThrows(UnsafePathException.class, () -> SafePaths.resolve("s3://b/lake", "."));
  }

  @Test
  public void resolve_siblingWithTheSamePrefixIsNotBelowTheRoot() {
    // "/lake/ds2" starts with the characters of "/lake/ds" but is not below it.
    assertThrows(UnsafePathException.class, () -> SafePaths.resolve("/lake/ds", "../ds2/x"));
    assertThrows(UnsafePathException.class, () -> SafePaths.resolve("s3://b/lake/ds", "../ds2/x"));
  }

  @Test
  public void resolve_emptyRoot_isIllegal() {
    assertThrows(IllegalArgumentException.class, () -> SafePaths.resolve("", "a"));
  }

  @Test
  public void normalizeUriPath_resolvesDotsAndKeepsDoubledSlashes() {
    assertThat(SafePaths.normalizeUriPath("/a/b/../c"), equalTo("/a/c"));
    assertThat(SafePaths.normalizeUriPath("/a/./b/"), equalTo("/a/b/"));
    assertThat(SafePaths.normalizeUriPath("/a/../../../x"), equalTo("/x"));
    assertThat(SafePaths.normalizeUriPath("/a//b"), equalTo("/a//b"));
    assertThat(SafePaths.normalizeUriPath("/"), equalTo("/"));
    assertThat(SafePaths.normalizeUriPath("/a/.."), equalTo("/"));
  }

  @Test
  public void printable_escapesControlCharacters() {
    assertThat(SafePaths.printable("a\0b\nc"), equalTo("a\\u0000b\\u000ac"));
    assertThat(SafePaths.printable("plain"), equalTo("plain"));
  }

  @Test
  public void exceptionMessage_isOneLineNamingThePath() {
    UnsafePathException e =
        assertThrows(UnsafePathException.class, () -> SafePaths.checkRelative("a\n/../x"));
    assertThat(e.getMessage(), equalTo("'a\\u000a/../x' is not a safe relative path: it has a '..' segment"));
    assertThat(e.relative(), equalTo("a\n/../x"));
  }
}
