/** SEG-2 codec: reader of the SEG-2 revision 1 seismic format (engineering and refraction recorders). */
package dev.sediment.io.seg2;
