package dev.sediment.io.parquet;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.io.PositionOutputStream;

/** A Parquet output stream over any stream: the position is the count of bytes written. */
class CountingOutputStream extends PositionOutputStream {
  final OutputStream out;
  private long pos;

  CountingOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public long getPos() {
    return pos;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    pos++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    pos += len;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
