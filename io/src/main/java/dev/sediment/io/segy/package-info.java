/** SEG-Y rev 0, 1 and 2 reader and writer: textual, binary and trace headers, IBM and IEEE samples. */
package dev.sediment.io.segy;
