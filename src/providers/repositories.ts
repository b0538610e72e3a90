/** One repository per table, each the only place holding that table's SQL. */
export const REPOSITORIES = [];
