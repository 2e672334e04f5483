import type { Page } from 'playwright-core';

/** GraphiQL at /graphql (development only). */
export class ExplorerPage {
  constructor(private readonly page: Page) {}

  readonly runButton = () => this.page.locator('.graphiql-execute-button');
  readonly response = () => this.page.locator('.graphiql-response');

  async goto(baseUrl: string) {
    await this.page.goto(`${baseUrl}/graphql`);
    await this.runButton().waitFor();
  }

  /**
   * Runs the query in the editor and waits for a response that contains `text`. GraphiQL's button
   * shows before its editor holds the default query (Monaco loads after it): a click then runs
   * nothing, so the run is tried again, up to 30 s in all.
   */
  async runAndWaitFor(text: string) {
    const answer = this.response().getByText(text).first();
    const until = Date.now() + 30_000;
    for (;;) {
      await this.runButton().click();
      try {
        await answer.waitFor({ timeout: 5_000 });
        return;
      } catch (e) {
        if (Date.now() > until) throw e;
      }
    }
  }
}
