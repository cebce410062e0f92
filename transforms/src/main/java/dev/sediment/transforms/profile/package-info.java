/** Column profiles: one-pass per-column statistics of a table (count, nulls, bounds, distinct values) and their coder. */
package dev.sediment.transforms.profile;
