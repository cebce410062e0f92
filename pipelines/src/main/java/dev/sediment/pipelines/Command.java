package dev.sediment.pipelines;

import java.io.PrintStream;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;

/** One {@code bin/sediment} command: its name, what it does, its options and how it runs. */
public interface Command<OptionsT extends PipelineOptions> {

  /** The word after {@code bin/sediment}. */
  String name();

  /** One line for {@code bin/sediment help}. */
  String summary();

  /** The usage line after {@code bin/sediment NAME}, e.g. {@code --input=GLOB [options]}. */
  String usage();

  /** The options interface; its own getters are listed by {@code --help}. */
  Class<OptionsT> optionsClass();

  /**
   * Runs the command; returns the exit code. Throws {@link UsageException} for a bad call and
   * {@link CommandFailedException} for a failure the user can fix.
   */
  int run(OptionsT options, PrintStream out) throws Exception;

  /**
   * Defaults {@code --help} shows for options a shared interface declares without one, because
   * each command defaults them differently ({@code --sample}: 1 for validate, 0.01 for rules
   * infer); property name to shown value.
   */
  default java.util.Map<String, String> helpDefaults() {
    return java.util.Map.of();
  }

  /** The exit code of a wrong call (unknown option, bad value): 2 unless the command says. */
  default int usageErrorExitCode() {
    return 2;
  }

  /**
   * Whether the command takes file names as plain arguments after its options ({@code inspect
   * FILE...}); then {@link #run(PipelineOptions, List, PrintStream, PrintStream)} receives them.
   */
  default boolean takesFileArguments() {
    return false;
  }

  /**
   * Runs a command that {@link #takesFileArguments()}, with {@code err} for one line per file
   * that fails; the default ignores {@code files}.
   */
  default int run(OptionsT options, List<String> files, PrintStream out, PrintStream err)
      throws Exception {
    return run(options, out);
  }
}
