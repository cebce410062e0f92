package dev.sediment.pipelines.demo;

import dev.sediment.pipelines.LakeOptions;

/** Options of {@code bin/sediment demo}: the lake root and any runner options. */
public interface DemoOptions extends LakeOptions {}
