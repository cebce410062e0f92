/**
 * Column profiles: one-pass per-column statistics of a table (count, nulls, bounds, lengths,
 * distinct values) and their coder; rules inference and drift build on them.
 */
package dev.sediment.transforms.profile;
