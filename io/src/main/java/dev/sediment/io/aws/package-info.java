/** S3 access through Beam's aws2 file system, with the settings S3-compatible servers need. */
package dev.sediment.io.aws;
