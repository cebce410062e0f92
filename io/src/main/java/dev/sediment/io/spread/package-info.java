/** Keys that deal a shuffle's elements out to the workers in turn, and the reshuffle that uses them. */
package dev.sediment.io.spread;
