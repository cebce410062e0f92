/** Record contracts shared by every module: what lands on disk and what flows between transforms. */
package dev.sediment.schemas;
