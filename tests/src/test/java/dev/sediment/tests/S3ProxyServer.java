package dev.sediment.tests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server for tests: S3Proxy with a filesystem backend, in its own JVM,
 * bound to 127.0.0.1 on a free port, checking signatures; plus an SDK client to seed and read
 * buckets. {@link #close} stops it.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String KEY_ID = "sediment-test";
  static final String SECRET = "Zq8-very-secret-s3-key-0b7f";

  final int port;
  final S3Client s3;
  private final Process process;

  private S3ProxyServer(int port, Process process, S3Client s3) {
    this.port = port;
    this.process = process;
    this.s3 = s3;
  }

  /** Starts a server keeping its objects under {@code dir}. */
  static S3ProxyServer start(Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("data"));
    Path conf = dir.resolve("s3proxy.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + KEY_ID,
            "s3proxy.credential=" + SECRET,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + dir.resolve("data"),
            ""));
    Path jar = Paths.get(System.getProperty("s3proxy.jar", "target/servers/s3proxy.jar"));
    Process p =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toAbsolutePath().toString(),
                "--properties",
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!listening(port)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("S3Proxy did not start: " + Files.readString(dir.resolve("server.log")));
      }
      Thread.sleep(200);
    }
    S3Client client =
        S3Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)))
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(true)
                    .chunkedEncodingEnabled(false)
                    .build())
            .build();
    return new S3ProxyServer(port, p, client);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The options that point Sediment's S3 file system at this server. */
  List<String> options() {
    return List.of(
        "--endpoint=http://127.0.0.1:" + port, "--awsRegion=us-east-1", "--s3PathStyleAccess=true");
  }

  /** Uploads every file under {@code dir} to {@code bucket/prefix/RELATIVE}. */
  void upload(Path dir, String bucket, String prefix) throws IOException {
    List<Path> files = new ArrayList<>();
    try (var s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    for (Path f : files) {
      String key = prefix + "/" + dir.relativize(f).toString().replace('\\', '/');
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(f));
    }
  }

  /** Downloads every object under {@code bucket/prefix/} to {@code dir}, keeping relative keys. */
  void download(String bucket, String prefix, Path dir) throws IOException {
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents()) {
      if (o.key().endsWith("/")) {
        continue; // a directory marker of the filesystem backend
      }
      Path target = dir.resolve(o.key().substring(prefix.length() + 1));
      Files.createDirectories(target.getParent());
      s3.getObject(b -> b.bucket(bucket).key(o.key()), target);
    }
  }

  @Override
  public void close() throws InterruptedException {
    s3.close();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
