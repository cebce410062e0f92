/** miniSEED 2 and 3 codec: record reader (v2/v3 detected per record), writer, Steim1/2 and CRC-32C. */
package dev.sediment.io.mseed;
