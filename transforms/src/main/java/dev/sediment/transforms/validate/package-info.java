/** Declarative validation: the YAML rules file, its safe loader and {@code Validate.against(rules)}. */
package dev.sediment.transforms.validate;
