package dev.sediment.pipelines.demo;

import java.io.PrintStream;

/** One capability shown by the demo. New capabilities add a step to {@link Demo#STEPS}. */
interface DemoStep {
  /** A short title printed before the step runs. */
  String title();

  /** Runs the step against the lake of {@code options}; returns 0 when it did what it shows. */
  int run(DemoOptions options, PrintStream out) throws Exception;
}
