import { Injectable } from '@nestjs/common';

/**
 * How the OpenID provider draws its own pages (errors, logout) with the app's templates: the api
 * plugs its view engine in once it is configured (configureApi), before the first request.
 */
@Injectable()
export class ProviderPages {
  private renderer: ((view: string, locals: Record<string, unknown>) => Promise<string>) | null = null;

  use(renderer: (view: string, locals: Record<string, unknown>) => Promise<string>): void {
    this.renderer = renderer;
  }

  render(view: string, locals: Record<string, unknown>): Promise<string> {
    if (!this.renderer) throw new Error('ProviderPages has no renderer: call use() when configuring the app');
    return this.renderer(view, locals);
  }
}
