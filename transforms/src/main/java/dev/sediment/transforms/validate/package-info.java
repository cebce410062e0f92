/**
 * Declarative validation: the YAML rules file, its safe loader, {@code Validate.against(rules)},
 * validation into the lake ({@code ValidateIntoLake}), the HTML report ({@code ReportHtml}) and
 * rules inferred from a column profile ({@code RulesYaml}).
 */
package dev.sediment.transforms.validate;
