/**
 * Validation commands, {@code validate} and {@code rules infer}: option parsing and composition.
 */
package dev.sediment.pipelines.validate;
