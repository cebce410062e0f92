package dev.sediment.io.parquet;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Paths;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A file of any Beam file system ({@code s3://}, {@code gs://}, local) as a Parquet {@link
 * InputFile}. Local files are read through {@link LocalParquetFile}; others through {@link
 * FileSystems#open}, whose channel must be seekable (it is for S3, GCS and local files).
 */
public final class ResourceParquetFile implements InputFile {
  private final ResourceId resource;
  private final long length;

  private ResourceParquetFile(ResourceId resource, long length) {
    this.resource = resource;
    this.length = length;
  }

  /** The file {@code resource}, whose size is {@code length} bytes (from its match metadata). */
  public static InputFile of(ResourceId resource, long length) {
    if ("file".equals(resource.getScheme())) {
      return LocalParquetFile.of(Paths.get(resource.toString()));
    }
    return new ResourceParquetFile(resource, length);
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    ReadableByteChannel open = FileSystems.open(resource);
    if (!(open instanceof SeekableByteChannel)) {
      open.close();
      throw new IOException(resource + " cannot be read at random positions (no seekable channel)");
    }
    return LocalParquetFile.stream((SeekableByteChannel) open, resource.toString());
  }

  @Override
  public String toString() {
    return resource.toString();
  }
}
