/** SAC codec: binary and alphanumeric reader, binary writer, the header field table. */
package dev.sediment.io.sac;
