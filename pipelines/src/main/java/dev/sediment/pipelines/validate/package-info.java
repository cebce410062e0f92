/** Validation commands: {@code rules infer} and the HTML rendering of a validation report. */
package dev.sediment.pipelines.validate;
