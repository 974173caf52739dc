import type { CodegenConfig } from '@graphql-codegen/cli';

// Types and typed documents come from the manager's schema and the `.graphql` operations kept
// beside the components that use them. The output (src/gql/) is generated, never edited or committed.
const config: CodegenConfig = {
  schema: ['../schema/*.graphqls'],
  documents: ['src/**/*.graphql'],
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        onlyOperationTypes: true,
        skipTypename: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
        },
        useTypeImports: true,
      },
    },
  },
};

export default config;
