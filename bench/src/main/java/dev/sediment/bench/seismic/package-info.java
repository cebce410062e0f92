/** JMH decode benchmarks and the mutation fuzzer of the seismic codecs (SEG-Y, miniSEED). */
package dev.sediment.bench.seismic;
