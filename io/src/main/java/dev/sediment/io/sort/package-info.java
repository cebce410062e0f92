/** Sorting grouped values in bounded memory (local disk beyond a limit). */
package dev.sediment.io.sort;
