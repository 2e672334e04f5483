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

  /** Runs the query in the editor and waits for a response that contains `text`. */
  async runAndWaitFor(text: string) {
    await this.runButton().click();
    await this.response().getByText(text).first().waitFor();
  }
}
