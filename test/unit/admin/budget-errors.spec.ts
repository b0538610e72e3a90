import { budgetErrorInWords, isBudgetField } from '../../../admin/src/budget-errors';

describe('the budget form’s words for the API’s field errors', () => {
  it('says each rule with the form’s label, never the API’s property name', () => {
    const said = (field: 'budgetUsd' | 'budgetWindow' | 'budgetWarnAt', rule: string, message: string) =>
      budgetErrorInWords({ field, rule, message });
    expect(said('budgetUsd', 'min', 'budgetUsd must be above 0 (null removes the budget)')).toBe(
      'Budget (USD) must be more than $0. To stop limiting spend, use “Remove budget”.',
    );
    expect(said('budgetUsd', 'isNumber', 'budgetUsd must be a number of USD with at most 4 decimals')).toMatch(/^Budget \(USD\) must be/);
    expect(said('budgetWarnAt', 'max', 'budgetWarnAt must be at most 1')).toBe('Warn at can be at most 1 (the whole budget).');
    expect(said('budgetWindow', 'isIn', 'budgetWindow must be one of day, month')).toBe('Per must be a calendar month or a day.');
    // A rule the form has no words for yet: the API's message, its property named by the label.
    expect(said('budgetWarnAt', 'somethingNew', 'budgetWarnAt must be nice')).toBe('Warn at must be nice');
  });

  it('knows which fields are the form’s', () => {
    expect(['budgetUsd', 'budgetWindow', 'budgetWarnAt', 'priority', 'constructor'].map(isBudgetField)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
