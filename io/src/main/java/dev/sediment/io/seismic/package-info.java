/**
 * The seismic trace model shared by the SEG-Y, SEG-2, miniSEED and SAC codecs, their typed
 * errors, format detection, the station/date lake partition of trace records, and the Beam face
 * ({@code SeismicIO}).
 */
package dev.sediment.io.seismic;
