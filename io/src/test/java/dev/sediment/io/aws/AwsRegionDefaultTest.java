package dev.sediment.io.aws;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.common.ReflectHelpers;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;
import software.amazon.awssdk.regions.Region;

@RunWith(JUnit4.class)
public class AwsRegionDefaultTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String[] PROPERTIES = {"aws.region", "aws.configFile", "aws.profile"};
  private final String[] saved = new String[PROPERTIES.length];

  @Before
  public void saveProperties() throws Exception {
    for (int i = 0; i < PROPERTIES.length; i++) {
      saved[i] = System.getProperty(PROPERTIES[i]);
    }
    // No profile file unless a test writes one.
    System.setProperty("aws.configFile", tmp.getRoot().toPath().resolve("absent").toString());
    System.clearProperty("aws.region");
    System.clearProperty("aws.profile");
  }

  @After
  public void restoreProperties() {
    for (int i = 0; i < PROPERTIES.length; i++) {
      if (saved[i] == null) {
        System.clearProperty(PROPERTIES[i]);
      } else {
        System.setProperty(PROPERTIES[i], saved[i]);
      }
    }
  }

  /** What the region chain's local steps give here: the environment wins over a profile file. */
  private static Region expectedWithout(Region fromProfileOrNone) {
    String env = System.getenv("AWS_REGION");
    return env != null && !env.isEmpty() ? Region.of(env) : fromProfileOrNone;
  }

  /** The options as Beam ships them to workers: only what was set. */
  private static String json(PipelineOptions o) throws Exception {
    return new ObjectMapper()
        .registerModules(ObjectMapper.findModules(ReflectHelpers.findClassLoader()))
        .writeValueAsString(o);
  }

  private static PipelineOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).create();
  }

  @Test
  public void localJob_systemProperty_isTheRegion() {
    System.setProperty("aws.region", "eu-west-1");
    PipelineOptions o = options();
    Optional<Region> set =
        AwsRegionDefault.setUnlessS3(o, List.of("--input=/data/*.csv", "--lake=/tmp/lake"));
    assertEquals(Optional.of(Region.EU_WEST_1), set);
    assertEquals(Region.EU_WEST_1, o.as(AwsOptions.class).getAwsRegion());
  }

  @Test
  public void localJob_profileFile_givesTheRegion() throws Exception {
    Path config = tmp.newFile("config").toPath();
    Files.write(config, "[default]\nregion = ap-south-1\n".getBytes(StandardCharsets.UTF_8));
    System.setProperty("aws.configFile", config.toString());
    PipelineOptions o = options();
    Optional<Region> set = AwsRegionDefault.setUnlessS3(o, List.of("--input=a.csv"));
    Region expected = expectedWithout(Region.AP_SOUTH_1);
    assertEquals(Optional.of(expected), set);
    assertEquals(expected, o.as(AwsOptions.class).getAwsRegion());
  }

  @Test
  public void localJob_nothingConfigured_isAwsGlobal() {
    PipelineOptions o = options();
    Optional<Region> set = AwsRegionDefault.setUnlessS3(o, List.of("--input=a.csv", "b.segy"));
    Region expected = expectedWithout(Region.AWS_GLOBAL);
    assertEquals(Optional.of(expected), set);
    assertEquals(expected, o.as(AwsOptions.class).getAwsRegion());
  }

  @Test
  public void anS3Location_anywhere_leavesTheOptionToBeam() throws Exception {
    System.setProperty("aws.region", "eu-west-1");
    for (List<String> args :
        List.of(
            List.of("--input=S3://bucket/raw/*.csv"),
            List.of("--input=/data/a.csv", "--lake=s3://bucket/lake"),
            List.of("s3://bucket/spool/x.parquet"))) {
      PipelineOptions o = options();
      assertEquals(args.toString(), Optional.empty(), AwsRegionDefault.setUnlessS3(o, args));
      assertFalse(
          args.toString(),
          json(o).contains("awsRegion"));
    }
  }

  @Test
  public void aRegionGiven_isKept() throws Exception {
    PipelineOptions o = options("--awsRegion=us-west-2");
    assertEquals(
        Optional.empty(),
        AwsRegionDefault.setUnlessS3(o, List.of("--awsRegion=us-west-2", "--input=a.csv")));
    assertEquals(Region.US_WEST_2, o.as(AwsOptions.class).getAwsRegion());
    assertTrue(json(o).contains("us-west-2"));
  }
}
