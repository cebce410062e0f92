/**
 * PTransform families, one package each (validate, profile, lineage, compact, drift, process),
 * each entered through one holder class.
 */
package dev.sediment.transforms;
