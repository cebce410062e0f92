package dev.sediment.io.parquet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A local file as a Parquet {@link InputFile} and {@link OutputFile}, through java.nio instead of
 * Hadoop's LocalFileSystem (which writes {@code .crc} side files and needs a Hadoop
 * configuration). The output stream can be forced to disk with {@link Output#sync()}.
 */
public final class LocalParquetFile implements InputFile, OutputFile {
  private final Path path;

  private LocalParquetFile(Path path) {
    this.path = path;
  }

  public static LocalParquetFile of(Path path) {
    return new LocalParquetFile(path);
  }

  @Override
  public long getLength() throws IOException {
    return Files.size(path);
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    return stream(FileChannel.open(path, StandardOpenOption.READ), path.toString());
  }

  /** A Parquet input stream over a seekable channel; closing it closes the channel. */
  static SeekableInputStream stream(SeekableByteChannel ch, String name) {
    return new DelegatingSeekableInputStream(Channels.newInputStream(ch)) {
      @Override
      public long getPos() throws IOException {
        return ch.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        ch.position(newPos);
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        return ch.read(buf);
      }

      @Override
      public void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
          if (ch.read(buf) < 0) {
            throw new java.io.EOFException("end of " + name + " reached early");
          }
        }
      }
    };
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return new Output(
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return new Output(
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE));
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return path.toString();
  }

  /** The path: parquet-java puts the InputFile into its messages ("... is not a Parquet file"). */
  @Override
  public String toString() {
    return path.toString();
  }

  /** A buffered output stream over a file channel that fsyncs when closed. */
  public static final class Output extends CountingOutputStream {
    private final FileChannel channel;

    Output(FileChannel channel) {
      super(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
      this.channel = channel;
    }

    /** Flushes and forces the bytes to the device. */
    public void sync() throws IOException {
      out.flush();
      channel.force(true);
    }

    @Override
    public void close() throws IOException {
      sync();
      out.close();
    }
  }
}
