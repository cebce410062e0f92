package dev.sediment.pipelines;

import dev.sediment.io.aws.SedimentS3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options every lake-writing command shares. S3 settings come with them. */
public interface LakeOptions extends SedimentS3Options {
  @Description("Root of the lake: a local directory, s3://bucket/prefix or gs://bucket/prefix.")
  @Default.String("./lake")
  String getLake();

  void setLake(String value);
}
