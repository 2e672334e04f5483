type Line = { held: number; waiting: (() => void)[] };

/**
 * Turns of each team at something an instance has few of (its export download connections, its
 * counts, the connections of small exports): at most `limit` at once per team, the team's further
 * requests waiting in line, holding nothing, so that one team's burst cannot keep every other
 * team out.
 */
export class TeamTurns {
  private readonly lines = new Map<string, Line>();

  /**
   * One of the team's `limit` turns, waited for until `until` (epoch ms) at most; null when none
   * came in time. The function returned gives it back, once: to the team's next in line, if any.
   */
  take(teamId: string, limit: number, until: number): Promise<(() => void) | null> {
    const line = this.lines.get(teamId) ?? { held: 0, waiting: [] };
    this.lines.set(teamId, line);
    const forget = () => {
      if (line.held === 0 && line.waiting.length === 0) this.lines.delete(teamId);
    };
    const turn = () => {
      let given = false;
      return () => {
        if (given) return;
        given = true;
        const next = line.waiting.shift();
        if (next) return next();
        line.held--;
        forget();
      };
    };
    if (line.held < limit) {
      line.held++;
      return Promise.resolve(turn());
    }
    return new Promise((resolve) => {
      const take = () => {
        clearTimeout(timer);
        resolve(turn());
      };
      const timer = setTimeout(
        () => {
          line.waiting.splice(line.waiting.indexOf(take), 1);
          forget();
          resolve(null);
        },
        Math.max(0, until - Date.now()),
      );
      line.waiting.push(take);
    });
  }
}
