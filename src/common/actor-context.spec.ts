import { actAs, currentActor, runAsActor, runWithActorSlot } from './actor-context';

describe('actor context', () => {
  it('names the actor of runAsActor, and no one outside', async () => {
    expect(currentActor()).toBeUndefined();
    await runAsActor('ops', async () => {
      await Promise.resolve();
      expect(currentActor()).toBe('ops');
    });
    expect(currentActor()).toBeUndefined();
  });

  it('lets a request name its actor once known, for the work after that, and only inside its slot', async () => {
    expect(actAs('nobody')).toBe(false);
    const seen = await runWithActorSlot(async () => {
      const before = currentActor();
      await Promise.resolve();
      expect(actAs('ci')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { before, after: currentActor() };
    });
    expect(seen).toEqual({ before: undefined, after: 'ci' });
    expect(currentActor()).toBeUndefined();
  });

  it('keeps two requests apart', async () => {
    const request = (name: string, wait: number) =>
      runWithActorSlot(async () => {
        actAs(name);
        await new Promise((resolve) => setTimeout(resolve, wait));
        return currentActor();
      });
    expect(await Promise.all([request('a', 5), request('b', 1)])).toEqual(['a', 'b']);
  });
});
