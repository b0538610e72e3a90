import { Component, type ComponentChildren } from 'preact';

interface State {
  error: Error | null;
}

/** A page that fails to render says so in words (and the rest of the console stays usable). */
export class ErrorBoundary extends Component<{ children: ComponentChildren; resetKey: string }, State> {
  override state: State = { error: null };

  static override getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    // Navigating elsewhere gives the next page its chance.
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div class="card" role="alert">
        <h1>This page could not be shown</h1>
        <p>{this.state.error.message}</p>
        <p>Another section may still work; reloading the page tries again.</p>
      </div>
    );
  }
}
