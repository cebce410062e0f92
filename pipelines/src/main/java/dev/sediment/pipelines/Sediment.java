package dev.sediment.pipelines;

import dev.sediment.io.aws.AwsRegionDefault;
import dev.sediment.io.aws.S3CompatibleClientBuilderFactory;
import dev.sediment.io.aws.SedimentS3Options;
import dev.sediment.pipelines.compact.CompactCommand;
import dev.sediment.pipelines.compact.VerifyCommand;
import dev.sediment.pipelines.demo.Demo;
import dev.sediment.pipelines.ingest.Ingest;
import dev.sediment.pipelines.ingest.IngestTable;
import dev.sediment.pipelines.ingest.Inspect;
import dev.sediment.pipelines.validate.RulesInfer;
import dev.sediment.pipelines.validate.ValidateCommand;
import java.beans.Introspector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;

/**
 * The {@code bin/sediment} entry point: {@code sediment COMMAND [--option=value ...]}.
 *
 * <p>Options are Beam {@link PipelineOptions}, so runner options work as Beam users expect. Three
 * more are handled here: {@code --config=FILE.properties} loads options from a file (the command
 * line wins), {@code --verbose} shows INFO logs and stack traces, {@code --help} describes the
 * command. Exit codes: 0 done, 1 failed, 2 wrong call. A command named by two words ({@code rules
 * infer}) makes its first word a group: {@code bin/sediment rules --help} lists the group.
 */
public final class Sediment {

  static final List<Command<?>> COMMANDS =
      List.of(
          new Demo(),
          new Ingest(),
          new Inspect(),
          new IngestTable(),
          new ValidateCommand(),
          new CompactCommand(),
          new VerifyCommand(),
          new RulesInfer());

  private Sediment() {}

  public static void main(String[] args) {
    // Whatever prints straight to the console (logs, runners) goes through the redaction too.
    System.setOut(Secrets.redacting(System.out));
    System.setErr(Secrets.redacting(System.err));
    int code = run(args, System.out, System.err);
    System.err.flush();
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs one command line; returns the exit code. What it prints to {@code out} and {@code err}
   * has secrets taken out ({@link Secrets}).
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PrintStream redactedOut = Secrets.redacting(out);
    PrintStream redactedErr = Secrets.redacting(err);
    try {
      return runRedacted(args, redactedOut, redactedErr);
    } finally {
      redactedOut.flush();
      redactedErr.flush();
    }
  }

  private static int runRedacted(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    Logging.configure(verbose);
    if (args.length == 0) {
      printCommands(err);
      return 2;
    }
    String name = args[0];
    if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
      if (args.length > 1) {
        Command<?> c =
            args.length > 2 && isGroup(args[1]) ? find(args[1] + " " + args[2]) : find(args[1]);
        if (c != null) {
          printHelp(c, out);
          return 0;
        }
        if (isGroup(args[1])) {
          printGroup(args[1], out);
          return 0;
        }
      }
      printCommands(out);
      return 0;
    }
    if (isGroup(name)) {
      String sub = args.length > 1 ? args[1] : null;
      Command<?> c = sub == null ? null : find(name + " " + sub);
      if (c != null) {
        return runCommand(c, Arrays.copyOfRange(args, 2, args.length), verbose, out, err);
      }
      if (sub != null && (sub.equals("--help") || sub.equals("-h"))) {
        printGroup(name, out);
        return 0;
      }
      err.println(
          "sediment: "
              + name
              + (sub == null ? " needs a sub-command" : " has no sub-command '" + sub + "'")
              + "; use one of: "
              + String.join(", ", subCommands(name))
              + ". Run 'bin/sediment "
              + name
              + " --help'.");
      return 2;
    }
    Command<?> command = find(name);
    if (command == null) {
      err.println(
          "sediment: unknown command '" + name + "'. Run 'bin/sediment help' for the commands.");
      return 2;
    }
    return runCommand(command, Arrays.copyOfRange(args, 1, args.length), verbose, out, err);
  }

  private static <OptionsT extends PipelineOptions> int runCommand(
      Command<OptionsT> command, String[] args, boolean verbose, PrintStream out, PrintStream err) {
    String prefix = "sediment " + command.name() + ": ";
    try {
      List<String> cli = new ArrayList<>();
      List<String> files = new ArrayList<>();
      String config = null;
      for (String a : args) {
        if (command.takesFileArguments() && !a.startsWith("-")) {
          files.add(a);
        } else if (a.equals("--help") || a.equals("-h")) {
          printHelp(command, out);
          return 0;
        } else if (a.startsWith("--help=")) {
          registerOptions(command);
          return printOptionsHelp(a.substring("--help=".length()), out, err);
        } else if (a.equals("--verbose")) {
          continue;
        } else if (a.startsWith("--config=")) {
          config = a.substring("--config=".length());
        } else {
          cli.add(a);
        }
      }
      List<String> merged = config == null ? cli : mergeConfig(config, cli);
      // Beam's option registry starts here, not before --help: --help needs none of it.
      registerOptions(command);
      OptionsT options = parse(command, merged);
      Names.checkOptions(options, command.optionsClass());
      skipDirectRunnerTestChecks(options, merged);
      useS3CompatibleClient(options);
      List<String> arguments = new ArrayList<>(merged);
      arguments.addAll(files);
      AwsRegionDefault.setUnlessS3(options, arguments);
      FileSystems.setDefaultPipelineOptions(options);
      return command.takesFileArguments()
          ? command.run(options, files, out, err)
          : command.run(options, out);
    } catch (Names.InvalidNameException e) {
      // A name that would become a path: always exit 2, even for validate (whose other wrong
      // calls exit 1), and one line, since nothing in --help would fix it.
      err.println(prefix + e.getMessage());
      return 2;
    } catch (UsageException e) {
      err.println(prefix + e.getMessage());
      err.println("Run 'bin/sediment " + command.name() + " --help' for its options.");
      return command.usageErrorExitCode();
    } catch (CommandFailedException e) {
      err.println(prefix + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return 1;
    } catch (Exception | Error e) {
      err.println(prefix + "failed: " + describe(e));
      if (verbose) {
        e.printStackTrace(err);
      } else {
        err.println("Run again with --verbose for the stack trace.");
      }
      return 1;
    }
  }

  /**
   * Makes the command's options (and the S3 ones every command takes) known to Beam's parser. The
   * first call reads every registered options interface ({@link OptionsRegistrar}).
   */
  private static void registerOptions(Command<?> command) {
    PipelineOptionsFactory.register(SedimentS3Options.class);
    PipelineOptionsFactory.register(command.optionsClass());
  }

  private static <OptionsT extends PipelineOptions> OptionsT parse(
      Command<OptionsT> command, List<String> args) {
    PipelineOptionsFactory.register(command.optionsClass());
    try {
      return PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
          .withValidation()
          .as(command.optionsClass());
    } catch (RuntimeException e) {
      // Anything thrown while parsing options is a wrong call (the AWS module throws
      // NullPointerException for a credentials provider that lacks a field).
      throw new UsageException(parseProblem(e, args));
    }
  }

  /**
   * One line for an option Beam could not parse. Beam says only "Unable to parse JSON value
   * VALUE": name the option and add what the JSON parser found wrong (its message without the
   * echoed source). Secrets in VALUE are redacted when printed.
   */
  static String parseProblem(RuntimeException e, List<String> args) {
    String message = firstLine(e.getMessage());
    String prefix = "Unable to parse JSON value ";
    if (!message.startsWith(prefix) || e.getMessage() == null) {
      return message.isEmpty() ? describe(e) : message;
    }
    String value = e.getMessage().substring(prefix.length());
    String option = null;
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 2 && a.substring(eq + 1).equals(value)) {
        option = a.substring(0, eq);
      }
    }
    String why;
    try {
      new com.fasterxml.jackson.databind.ObjectMapper().readTree(value);
      // Well-formed JSON that does not fit the option's type: the deepest cause says why.
      why = null;
      for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
        String m =
            t instanceof com.fasterxml.jackson.core.JsonProcessingException
                ? ((com.fasterxml.jackson.core.JsonProcessingException) t).getOriginalMessage()
                : t.getMessage();
        if (m != null && !m.isBlank()) {
          why = m;
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
      // Jackson's message quotes the source again ("start marker at [Source: ...]"): cut it.
      why =
          "not well-formed JSON: "
              + notJson.getOriginalMessage().replaceAll("\\s*\\(?start marker at \\[Source:.*$", "");
    }
    return (option == null ? "an option" : option)
        + " does not parse"
        + (why == null ? "" : ": " + firstLine(why))
        + " (value: "
        + firstLine(value)
        + ")";
  }

  /** Config file options first, then the command line's, which win for the same name. */
  static List<String> mergeConfig(String config, List<String> cli) {
    Path path = Paths.get(config);
    if (!Files.exists(path) && System.getenv("SEDIMENT_HOME") != null) {
      Path home = Paths.get(System.getenv("SEDIMENT_HOME")).resolve(config);
      if (Files.exists(home)) {
        path = home;
      }
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(path)) {
      props.load(in);
    } catch (IOException e) {
      throw new UsageException("cannot read --config=" + config + ": " + e);
    }
    Map<String, String> fromCli = new LinkedHashMap<>();
    for (String a : cli) {
      if (!a.startsWith("--")) {
        throw new UsageException("'" + a + "' is not an option; options look like --name=value");
      }
      int eq = a.indexOf('=');
      fromCli.put(eq < 0 ? a.substring(2) : a.substring(2, eq), a);
    }
    List<String> merged = new ArrayList<>();
    for (String key : new TreeMap<>(props).keySet().stream().map(Object::toString).toList()) {
      if (!fromCli.containsKey(key)) {
        merged.add("--" + key + "=" + props.getProperty(key).trim());
      }
    }
    merged.addAll(cli);
    return merged;
  }

  /**
   * The DirectRunner encodes, decodes and compares every element to catch DoFns that mutate their
   * input or elements their coder cannot encode: checks for a pipeline's tests, which made a
   * seismic ingest 3 to 4 times slower. The CLI turns them off unless asked for.
   */
  private static void skipDirectRunnerTestChecks(PipelineOptions options, List<String> args) {
    if (!options.getRunner().getSimpleName().equals("DirectRunner")) {
      return;
    }
    DirectOptions direct = options.as(DirectOptions.class);
    if (args.stream().noneMatch(a -> a.startsWith("--enforceImmutability"))) {
      direct.setEnforceImmutability(false);
    }
    if (args.stream().noneMatch(a -> a.startsWith("--enforceEncodability"))) {
      direct.setEnforceEncodability(false);
    }
    if (args.stream().noneMatch(a -> a.startsWith("--targetParallelism"))) {
      direct.setTargetParallelism(directRunnerThreads(Runtime.getRuntime().availableProcessors()));
    }
  }

  /**
   * Worker threads for the DirectRunner: one per core (at least 2), not Beam's default of at least
   * 3. The DirectRunner's scheduler runs on the same thread pool and resubmits itself without
   * waiting, so a thread beyond the cores spins through every step's timers beside the bundles
   * that are running: validating 10 M rows on 2 cores took 47 s of CPU with 3 threads and 35 s
   * with 2.
   */
  static int directRunnerThreads(int cores) {
    return Math.max(2, cores);
  }

  /** Beam's own S3 client, plus path-style access and the endpoint fixes S3-compatible servers need. */
  private static void useS3CompatibleClient(PipelineOptions options) {
    S3Options s3 = options.as(SedimentS3Options.class);
    if (s3.getS3ClientFactoryClass() == DefaultS3ClientBuilderFactory.class) {
      s3.setS3ClientFactoryClass(S3CompatibleClientBuilderFactory.class);
    }
  }

  private static Command<?> find(String name) {
    for (Command<?> c : COMMANDS) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** Whether {@code word} is the first word of two-word commands such as {@code rules infer}. */
  private static boolean isGroup(String word) {
    return !subCommands(word).isEmpty();
  }

  private static List<String> subCommands(String group) {
    List<String> subs = new ArrayList<>();
    for (Command<?> c : COMMANDS) {
      if (c.name().startsWith(group + " ")) {
        subs.add(c.name().substring(group.length() + 1));
      }
    }
    return subs;
  }

  static void printGroup(String group, PrintStream out) {
    out.println("Usage: bin/sediment " + group + " SUBCOMMAND [--option=value ...]");
    out.println();
    out.println("Sub-commands:");
    for (Command<?> c : COMMANDS) {
      if (c.name().startsWith(group + " ")) {
        out.printf("  %-14s %s%n", c.name(), c.summary());
      }
    }
    out.println();
    out.println("'bin/sediment " + group + " SUBCOMMAND --help' lists a sub-command's options.");
  }

  static void printCommands(PrintStream out) {
    out.println("Usage: bin/sediment COMMAND [--option=value ...]");
    out.println();
    out.println("Commands:");
    for (Command<?> c : COMMANDS) {
      out.printf("  %-14s %s%n", c.name(), c.summary());
    }
    out.printf("  %-14s %s%n", "help", "This list; 'bin/sediment COMMAND --help' for a command.");
    out.println();
    out.println("Every command takes Beam pipeline options (--runner=FlinkRunner, ...),");
    out.println("--config=runner-configs/NAME.properties and --verbose.");
  }

  static void printHelp(Command<?> c, PrintStream out) {
    out.println("Usage: bin/sediment " + c.name() + " " + c.usage());
    out.println();
    out.println(c.summary());
    out.println();
    out.println("Options:");
    printOwnOptions(c.optionsClass(), c.helpDefaults(), out);
    out.println();
    out.println("Runner and common options:");
    row(out, "--runner=NAME", "DirectRunner (default), FlinkRunner or DataflowRunner.");
    row(out, "--flinkMaster=HOST:PORT", "Flink REST address, or [local] for an embedded cluster.");
    row(out, "--parallelism=N", "Flink parallelism.");
    row(out, "--project, --region, --tempLocation", "Dataflow; see runner-configs/dataflow.properties.");
    row(out, "--config=FILE", "Load options from a .properties file; the command line wins.");
    row(out, "--verbose", "Show INFO logs and stack traces.");
    row(
        out,
        "--help=INTERFACE",
        "All options of a Beam options interface: FlinkPipelineOptions,"
            + " DataflowPipelineOptions, S3Options, AwsOptions, PipelineOptions.");
    out.println();
    out.println("JVM settings come from JAVA_OPTS, e.g. JAVA_OPTS=-Xmx2g bin/sediment " + c.name());
  }

  private static void printOwnOptions(
      Class<?> iface, java.util.Map<String, String> defaults, PrintStream out) {
    List<Class<?>> chain = new ArrayList<>();
    chain.add(iface);
    for (Class<?> sup : iface.getInterfaces()) {
      if (sup.getName().startsWith("dev.sediment.")) {
        chain.add(sup);
        chain.addAll(Arrays.asList(sup.getInterfaces()));
      }
    }
    // An interface may redeclare a shared option (ingest-table makes --schema required): the
    // first declaration in the chain, the command's own, is the one shown.
    Set<String> shown = new HashSet<>();
    for (Class<?> k : chain) {
      if (!k.getName().startsWith("dev.sediment.")) {
        continue;
      }
      Method[] methods = k.getDeclaredMethods();
      // Required options first, then by name: getDeclaredMethods has no stable order.
      Arrays.sort(
          methods,
          java.util.Comparator.comparing(
                  (Method m) -> !m.isAnnotationPresent(Validation.Required.class))
              .thenComparing(Method::getName));
      for (Method m : methods) {
        String n = m.getName();
        if (m.getParameterCount() != 0 || !(n.startsWith("get") || n.startsWith("is"))) {
          continue;
        }
        String prop = Introspector.decapitalize(n.substring(n.startsWith("get") ? 3 : 2));
        if (!shown.add(prop)) {
          continue;
        }
        Description d = m.getAnnotation(Description.class);
        StringBuilder text = new StringBuilder(d == null ? "" : d.value());
        if (m.isAnnotationPresent(Validation.Required.class)) {
          text.insert(0, "(required) ");
        }
        String def = defaults.containsKey(prop) ? defaults.get(prop) : defaultOf(m);
        if (def != null) {
          text.append(" Default: ").append(def.isEmpty() ? "none" : def).append('.');
        }
        row(out, "--" + prop + "=VALUE", text.toString());
      }
    }
    if (SedimentS3Options.class.isAssignableFrom(iface)) {
      row(
          out,
          "--endpoint=URL",
          "S3 endpoint of an S3-compatible server, e.g. http://127.0.0.1:9000.");
      row(out, "--awsRegion=NAME", "S3 region, e.g. us-east-1.");
      row(
          out,
          "--awsCredentialsProvider=JSON",
          "S3 credentials; prefer AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment.");
    }
  }

  private static String defaultOf(Method m) {
    if (m.isAnnotationPresent(Default.String.class)) {
      return m.getAnnotation(Default.String.class).value();
    } else if (m.isAnnotationPresent(Default.Boolean.class)) {
      return String.valueOf(m.getAnnotation(Default.Boolean.class).value());
    } else if (m.isAnnotationPresent(Default.Integer.class)) {
      return String.valueOf(m.getAnnotation(Default.Integer.class).value());
    } else if (m.isAnnotationPresent(Default.Long.class)) {
      return String.valueOf(m.getAnnotation(Default.Long.class).value());
    } else if (m.isAnnotationPresent(Default.Double.class)) {
      return String.valueOf(m.getAnnotation(Default.Double.class).value());
    }
    return null;
  }

  private static void row(PrintStream out, String name, String text) {
    if (name.length() <= 30) {
      out.printf("  %-30s %s%n", name, text);
    } else {
      out.printf("  %s%n  %-30s %s%n", name, "", text);
    }
  }

  private static int printOptionsHelp(String name, PrintStream out, PrintStream err) {
    java.util.Deque<Class<?>> todo =
        new java.util.ArrayDeque<>(PipelineOptionsFactory.getRegisteredOptions());
    java.util.Set<Class<?>> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      Class<?> k = todo.poll();
      if (!seen.add(k) || !PipelineOptions.class.isAssignableFrom(k)) {
        continue;
      }
      if (k.getSimpleName().equals(name) || k.getName().equals(name)) {
        @SuppressWarnings("unchecked")
        Class<? extends PipelineOptions> options = (Class<? extends PipelineOptions>) k;
        PipelineOptionsFactory.printHelp(out, options);
        return 0;
      }
      todo.addAll(Arrays.asList(k.getInterfaces()));
    }
    err.println("sediment: no options interface named '" + name + "'");
    return 2;
  }

  static String describe(Throwable e) {
    Throwable root = e;
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String text = message == null ? root.getClass().getSimpleName() : firstLine(message);
    return text;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
