/** The {@code bin/sediment} command line: one command per pipeline, options, help and exit codes. */
package dev.sediment.pipelines;
