/** End-to-end tests: the real bin/sediment jar on real runners, clusters and servers. */
package dev.sediment.tests;
