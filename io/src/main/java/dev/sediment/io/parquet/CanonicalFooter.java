package dev.sediment.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes a Parquet file's footer independent of the JVM that wrote it.
 *
 * <p>parquet-java collects each column chunk's encodings in a {@code HashSet} of enum constants
 * and writes them in its iteration order, which follows identity hash codes and so changes from
 * one process to the next (apache/parquet-java#3215): the same rows written by two JVMs can
 * differ in the order of that list. {@link #sortEncodings} rewrites the list in ascending order
 * in place. The footer keeps its length (the same values, reordered), so no offset moves.
 */
public final class CanonicalFooter {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private CanonicalFooter() {}

  /** Sorts the encodings of every column chunk in {@code file}'s footer; forces the file to disk. */
  public static void sortEncodings(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size < 12) {
        throw new IOException(file + " is too short for a Parquet file (" + size + " bytes)");
      }
      ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, tail, size - 8);
      int footerLength = tail.getInt(0);
      for (int i = 0; i < 4; i++) {
        if (tail.get(4 + i) != MAGIC[i]) {
          throw new IOException(file + " does not end with the Parquet magic PAR1");
        }
      }
      long footerStart = size - 8 - footerLength;
      if (footerLength <= 0 || footerStart < 4) {
        throw new IOException(file + " declares a footer of " + footerLength + " bytes in " + size);
      }
      ByteBuffer footer = ByteBuffer.allocate(footerLength);
      readFully(ch, footer, footerStart);
      FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
      boolean changed = false;
      for (RowGroup rg : meta.getRow_groups()) {
        for (ColumnChunk cc : rg.getColumns()) {
          if (cc.isSetMeta_data() && cc.getMeta_data().isSetEncodings()) {
            List<Encoding> encodings = cc.getMeta_data().getEncodings();
            List<Encoding> sorted = encodings.stream().sorted(Comparator.comparingInt(Encoding::getValue)).toList();
            if (!sorted.equals(encodings)) {
              cc.getMeta_data().setEncodings(new java.util.ArrayList<>(sorted));
              changed = true;
            }
          }
        }
      }
      if (!changed) {
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(footerLength);
      Util.writeFileMetaData(meta, out);
      if (out.size() != footerLength) {
        throw new IOException(
            file + ": the canonical footer has " + out.size() + " bytes, the written one " + footerLength);
      }
      ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
      long pos = footerStart;
      while (b.hasRemaining()) {
        pos += ch.write(b, pos);
      }
      ch.force(true);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("end of file reached at " + pos);
      }
      pos += n;
    }
  }
}
