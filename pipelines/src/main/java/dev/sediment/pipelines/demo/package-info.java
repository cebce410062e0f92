/** The demo: every capability of Sediment run once over sample data shipped in the jar. */
package dev.sediment.pipelines.demo;
