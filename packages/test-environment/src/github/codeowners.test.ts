import { ownersOf, parseCodeowners } from './codeowners';

describe('CODEOWNERS', () => {
  it('gives each path the owners of the last rule that matches it, with the patterns GitHub documents', () => {
    const rules = parseCodeowners(
      [
        '# Platform team owns everything not owned below.',
        '*                          @platform-lead',
        '*.js                       @js-owner # inline comment',
        '/docs/                     @docs-owner',
        'apps/                      @apps-owner',
        'guides/*                   @guides-owner',
        '**/logs                    @logs-owner',
        '/clusters/dev/namespaces/payments/ @alice @acme/payments',
        '/clusters/dev/namespaces/payments/generated/',
        '\\#notes                    @hash-owner',
        '',
      ].join('\n'),
    );
    const owners = (file: string) => ownersOf(rules, file);
    expect(owners('README.md')).toEqual(['@platform-lead']);
    expect(owners('src/deep/index.js')).toEqual(['@js-owner']);
    expect(owners('docs/a/b.md')).toEqual(['@docs-owner']);
    expect(owners('sub/docs/a.md')).toEqual(['@platform-lead']);
    expect(owners('web/apps/x/y.txt')).toEqual(['@apps-owner']);
    expect(owners('guides/intro.md')).toEqual(['@guides-owner']);
    expect(owners('guides/deep/intro.md')).toEqual(['@platform-lead']);
    expect(owners('build/logs/today.txt')).toEqual(['@logs-owner']);
    expect(owners('logs/today.txt')).toEqual(['@logs-owner']);
    expect(owners('clusters/dev/namespaces/payments/quota.yaml')).toEqual([
      '@alice',
      '@acme/payments',
    ]);
    // a later rule without owners leaves its paths unowned
    expect(owners('clusters/dev/namespaces/payments/generated/a.yaml')).toEqual(
      [],
    );
    expect(owners('clusters/dev/namespaces/paymentsx/quota.yaml')).toEqual([
      '@platform-lead',
    ]);
    expect(owners('#notes')).toEqual(['@hash-owner']);
  });

  it('owns nothing without rules', () => {
    expect(
      ownersOf(parseCodeowners('# only a comment\n'), 'README.md'),
    ).toEqual([]);
  });
});
